using System.Net;

namespace RobustLab.Web.Security;

/// <summary>
/// Which addresses the server will listen on, read from configuration the way Kestrel reads it, and whether they are
/// all loopback. Kestrel binds a host name other than "localhost" to every interface, so such a name counts as public.
/// </summary>
public static class BindAddresses
{
    /// <summary>What the server listens on when nothing is configured (see Hosting).</summary>
    public const string Default = "http://127.0.0.1:5000";

    /// <summary>
    /// Every configured URL: "urls" (--urls, ASPNETCORE_URLS, DOTNET_URLS, appsettings "Urls") and each
    /// "Kestrel:Endpoints:*:Url"; "http_ports"/"https_ports" (ASPNETCORE_HTTP_PORTS, which bind every interface) only
    /// when "urls" is empty, because Kestrel then ignores them. Taking the union of "urls" and the Kestrel endpoints
    /// errs on the safe side when both are set. <see cref="Default"/> when nothing is configured. Code that calls
    /// Kestrel's Listen directly is invisible here; such a host should set Security:RequireAuthentication.
    /// </summary>
    public static IReadOnlyList<string> FromConfiguration(IConfiguration configuration)
    {
        var urls = Split(configuration["urls"]).ToList();
        if (urls.Count == 0)
        {
            urls.AddRange(Split(configuration["http_ports"]).Select(port => $"http://*:{port}"));
            urls.AddRange(Split(configuration["https_ports"]).Select(port => $"https://*:{port}"));
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
            if (!string.IsNullOrWhiteSpace(endpoint["Url"]))
                urls.Add(endpoint["Url"]!.Trim());
        return urls.Count > 0 ? urls : [Default];
    }

    /// <summary>
    /// True when every URL listens on loopback only: 127.0.0.0/8, ::1, "localhost", or a Unix socket / named pipe.
    /// False for 0.0.0.0, [::], "*", "+", any other IP, any other host name, and anything unparsable. An empty list
    /// is loopback-only (the server then uses <see cref="Default"/>).
    /// </summary>
    public static bool IsLoopbackOnly(IEnumerable<string> urls) => urls.All(IsLoopback);

    public static bool IsLoopback(string url)
    {
        string text = url.Trim();
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return false;
        string rest = text[(scheme + 3)..];
        // http://unix:/run/robustlab.sock and http://pipe:/name are not reachable over the network.
        if (rest.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("pipe:", StringComparison.OrdinalIgnoreCase))
            return true;
        int slash = rest.IndexOf('/');
        string authority = slash >= 0 ? rest[..slash] : rest;
        string host;
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']');
            if (close < 0) return false;
            host = authority[1..close];
        }
        else
        {
            int colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority[..colon] : authority;
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IsLoopback(ip);
    }

    /// <summary>IPAddress.IsLoopback, also for IPv4-mapped IPv6 addresses (::ffff:127.0.0.1).</summary>
    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
