using System.Net;
using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

/// <summary>
/// A small web app on the in-memory test server with only AddRobustLabSecurity/UseRobustLabSecurity and dummy
/// endpoints (independent of Program.cs): /api/anything, a page at /runs, /healthz, a static asset, and the real
/// Hangfire dashboard at /hangfire (its storage is never reached by a refused request).
/// </summary>
public sealed class SecurityTestHost : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "correct horse battery staple";
    public static readonly string Token = ApiTokens.Generate();
    static readonly Lazy<string> PasswordHash = new(() => PasswordHashing.Hash(Password));

    /// <summary>Sets Connection.RemoteIpAddress (the test server leaves it null) so that tests can play a remote client.</summary>
    public const string RemoteIpHeader = "X-Test-Remote-IP";

    public required WebApplication App { get; init; }
    public required HttpClient Client { get; init; }

    /// <summary>Bound to every interface, with one account and one API token.</summary>
    public static Dictionary<string, string?> Public() => new()
    {
        ["urls"] = "http://0.0.0.0:5000",
        ["Security:Accounts:0:User"] = User,
        ["Security:Accounts:0:PasswordHash"] = PasswordHash.Value,
        ["Security:ApiTokens:0:Name"] = "ci",
        ["Security:ApiTokens:0:TokenHash"] = ApiTokens.Hash(Token),
    };

    /// <summary>The default: loopback only, no accounts.</summary>
    public static Dictionary<string, string?> Loopback() => new() { ["urls"] = "http://127.0.0.1:5000" };

    public static WebApplication Build(IDictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        // A provider that survives this host's disposal: Hangfire's log provider is process-wide.
        builder.Services.AddHangfire((sp, c) => c.UseLogProvider(new RobustLab.Web.Jobs.SafeHangfireLogProvider(sp.GetRequiredService<ILoggerFactory>())));
        builder.AddRobustLabSecurity();

        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[RemoteIpHeader], out var ip))
                context.Connection.RemoteIpAddress = ip;
            return next(context);
        });
        app.UseRobustLabSecurity();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new HangfireDashboardAuthorization()] }, new UnreachableStorage());
        app.MapGet("/api/anything", (HttpContext c) => $"hello {c.User.Identity?.Name ?? "anonymous"}");
        app.MapPost("/api/anything", () => "posted");
        app.MapGet("/runs", () => Results.Content("<p>runs</p>", "text/html"));
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/_framework/blazor.web.js", () => Results.Content("// blazor", "text/javascript"));
        return app;
    }

    public static async Task<SecurityTestHost> StartAsync(IDictionary<string, string?> configuration)
    {
        var app = Build(configuration);
        await app.StartAsync();
        return new SecurityTestHost { App = app, Client = app.GetTestClient() };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>GET /login, then POST the form with its antiforgery token; returns the POST's response and the cookies.</summary>
    public async Task<(HttpResponseMessage Response, string Cookies)> LogInAsync(string user, string password, bool withAntiforgery = true,
        string returnUrl = "/runs", string? remoteIp = null)
    {
        var page = await Client.GetAsync("/login");
        string html = await page.Content.ReadAsStringAsync();
        string cookies = Cookies(page);
        var fields = new Dictionary<string, string> { ["user"] = user, ["password"] = password, ["returnUrl"] = returnUrl };
        var token = Regex.Match(html, "<input type=\"hidden\" name=\"(__RequestVerificationToken)\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "the login page has an antiforgery field");
        if (withAntiforgery) fields[token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value);
        var post = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("Cookie", cookies);
        if (remoteIp is not null) post.Headers.Add(RemoteIpHeader, remoteIp);
        var response = await Client.SendAsync(post);
        return (response, Join(cookies, Cookies(response)));
    }

    /// <summary>"name=value; name=value" from a response's Set-Cookie headers (expired ones left out).</summary>
    public static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", (response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            .Where(c => !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Split(';')[0]));

    static string Join(string a, string b) => string.Join("; ", new[] { a, b }.Where(s => s.Length > 0));

    /// <summary>Hangfire needs a storage object; a refused request must never reach it.</summary>
    sealed class UnreachableStorage : JobStorage
    {
        public override IMonitoringApi GetMonitoringApi() => throw new InvalidOperationException("the dashboard reached the storage");
        public override IStorageConnection GetConnection() => throw new InvalidOperationException("the dashboard reached the storage");
    }
}
