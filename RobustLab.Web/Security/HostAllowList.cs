using Microsoft.AspNetCore.HostFiltering;

namespace RobustLab.Web.Security;

/// <summary>
/// Which Host headers the server answers, enforced by ASP.NET Core's host filtering (which WebApplication puts first in
/// the pipeline; a refused host gets 400). Against DNS rebinding: a page on evil.example whose name is made to resolve
/// to 127.0.0.1 reaches a loopback server with "Host: evil.example", and is refused. Security:AllowedHosts (or the
/// framework's own "AllowedHosts" key) replaces the default.
/// </summary>
public static class HostAllowList
{
    /// <summary>Always allowed: this machine's names for itself.</summary>
    public static readonly string[] Loopback = ["localhost", "127.0.0.1", "[::1]"];

    public static void Configure(IServiceCollection services) =>
        services.AddOptions<HostFilteringOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            // Filled here, the framework's PostConfigure (which would read "AllowedHosts" and fall back to "*") keeps it.
            o.AllowedHosts = From(configuration);
            o.AllowEmptyHosts = true; // HTTP/1.0 clients send none; they cannot be a rebinding browser
        });

    /// <summary>Security:AllowedHosts, else "AllowedHosts" (";"-separated), else <see cref="Default"/>.</summary>
    public static List<string> From(IConfiguration configuration)
    {
        var configured = configuration.GetSection($"{SecurityOptions.Section}:AllowedHosts").Get<List<string>>()?
            .Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()).ToList() ?? [];
        if (configured.Count == 0)
            configured = (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return configured.Count > 0 ? configured : Default(BindAddresses.FromConfiguration(configuration));
    }

    /// <summary>
    /// The host of each bound URL plus <see cref="Loopback"/>; "*" (any) when a URL binds every interface (0.0.0.0,
    /// [::], *, +) or is a Unix socket or named pipe: the server then cannot know the names it is reached by, and such a
    /// binding needs an account anyway (or is not reachable from a browser).
    /// </summary>
    public static List<string> Default(IEnumerable<string> urls)
    {
        var hosts = new List<string>(Loopback);
        foreach (string url in urls)
        {
            string? host = HostOf(url);
            if (host is null || host is "*" or "+" or "0.0.0.0" or "[::]" || host.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) ||
                host.StartsWith("pipe:", StringComparison.OrdinalIgnoreCase))
                return ["*"];
            if (!hosts.Contains(host, StringComparer.OrdinalIgnoreCase)) hosts.Add(host);
        }
        return hosts;
    }

    /// <summary>"http://127.0.0.2:5000/x" gives "127.0.0.2", "http://[::1]:5000" gives "[::1]"; null when unparsable.</summary>
    static string? HostOf(string url)
    {
        string text = url.Trim();
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return null;
        string rest = text[(scheme + 3)..];
        if (rest.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("pipe:", StringComparison.OrdinalIgnoreCase))
            return rest[..5];
        int slash = rest.IndexOf('/');
        string authority = slash >= 0 ? rest[..slash] : rest;
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']');
            return close < 0 ? null : authority[..(close + 1)];
        }
        int colon = authority.LastIndexOf(':');
        string host = colon >= 0 ? authority[..colon] : authority;
        return host.Length == 0 ? null : host;
    }
}
