using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace RobustLab.Web.Security;

/// <summary>Security:LoginLimits: how many login attempts (right or wrong) each client address and each user name may make per window.</summary>
public sealed class LoginLimitOptions
{
    public int PerClient { get; set; } = 20;
    public int PerAccount { get; set; } = 10;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Brute-force limits on POST /login, with ASP.NET Core's rate limiter: per client address by the rate-limiting
/// middleware (before the form is even read), per user name in the handler (the name is in the form, which a
/// partitioner cannot read). Both are fixed windows that count every attempt, so the right password after the limit is
/// refused too; the refusal is the login form with status 429, a message saying when to retry, and Retry-After.
/// </summary>
public sealed class LoginRateLimits : IDisposable
{
    public const string PerClientPolicy = "login-per-client";

    readonly PartitionedRateLimiter<string> _perAccount;
    readonly LoginLimitOptions _options;

    public LoginRateLimits(IOptions<SecurityOptions> options)
    {
        _options = options.Value.LoginLimits;
        _perAccount = PartitionedRateLimiter.Create<string, string>(user =>
            RateLimitPartition.GetFixedWindowLimiter(user, _ => Window(_options.PerAccount, _options.Window)));
    }

    /// <summary>One attempt for this user name (case-insensitive, as the login compares it; names that exist or not alike).</summary>
    public RateLimitLease AcquireForAccount(string user) =>
        _perAccount.AttemptAcquire(user.Length > 256 ? user[..256].ToUpperInvariant() : user.ToUpperInvariant());

    public static IServiceCollection AddLoginRateLimits(IServiceCollection services)
    {
        services.AddSingleton<LoginRateLimits>();
        services.AddRateLimiter(o => o.AddPolicy(PerClientPolicy, new PerClient()));
        return services;
    }

    /// <summary>The login form again, status 429, saying when to try again.</summary>
    public static IResult TooManyAttempts(HttpContext context, IAntiforgery antiforgery, string returnUrl, RateLimitLease lease)
    {
        var window = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.LoginLimits.Window;
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : window;
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return LoginEndpoints.Page(context, antiforgery, returnUrl,
            $"Too many login attempts. Try again in {Describe(retry)}.", StatusCodes.Status429TooManyRequests);
    }

    static string Describe(TimeSpan t) =>
        t.TotalMinutes >= 1.5 ? $"{Math.Ceiling(t.TotalMinutes):0} minutes"
        : t.TotalSeconds > 60 ? "1 minute"
        : $"{Math.Max(1, Math.Ceiling(t.TotalSeconds)):0} seconds";

    static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };

    public void Dispose() => _perAccount.Dispose();

    /// <summary>The middleware's policy: one fixed window per client address (all unknown peers share one).</summary>
    sealed class PerClient : IRateLimiterPolicy<string>
    {
        public RateLimitPartition<string> GetPartition(HttpContext context)
        {
            var options = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.LoginLimits;
            string client = Normalise(context.Connection.RemoteIpAddress);
            return RateLimitPartition.GetFixedWindowLimiter(client, _ => Window(options.PerClient, options.Window));
        }

        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (rejected, _) =>
        {
            var context = rejected.HttpContext;
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            await TooManyAttempts(context, antiforgery, "/", rejected.Lease).ExecuteAsync(context);
        };

        /// <summary>An IPv4 address as is; an IPv6 address by its /64 network, which one client usually holds whole.</summary>
        static string Normalise(IPAddress? address)
        {
            if (address is null) return "unknown";
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
                return address.ToString();
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }
    }
}
