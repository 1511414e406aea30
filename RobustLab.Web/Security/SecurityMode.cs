namespace RobustLab.Web.Security;

/// <summary>
/// Whether this server requires authentication, decided once from the bind addresses and
/// Security:RequireAuthentication, and why (for log lines and error messages).
/// </summary>
public sealed record SecurityMode(bool RequireAuthentication, IReadOnlyList<string> Urls, bool LoopbackOnly, bool? Configured)
{
    /// <summary>
    /// True when requests from other machines are refused because nothing asked for them: loopback binding and no
    /// explicit Security:RequireAuthentication. A request from a non-loopback peer then means the server is reachable
    /// in a way the configuration does not show (Kestrel configured in code, a proxy forwarding client addresses).
    /// </summary>
    public bool LoopbackClientsOnly => !RequireAuthentication && Configured is null;

    public static SecurityMode Resolve(IConfiguration configuration) =>
        Resolve(configuration, configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions());

    public static SecurityMode Resolve(IConfiguration configuration, SecurityOptions options)
    {
        var urls = BindAddresses.FromConfiguration(configuration);
        bool loopbackOnly = BindAddresses.IsLoopbackOnly(urls);
        return new SecurityMode(options.RequireAuthentication ?? !loopbackOnly, urls, loopbackOnly, options.RequireAuthentication);
    }

    public string Describe() => RequireAuthentication
        ? Configured == true
            ? "authentication required (Security:RequireAuthentication is true)"
            : $"authentication required: bound to {PublicUrls()}, which is not loopback"
        : Configured == false
            ? "authentication off (Security:RequireAuthentication is false)"
            : "authentication off: bound to loopback only";

    /// <summary>The non-loopback URLs (all of them when every URL is loopback).</summary>
    public string PublicUrls()
    {
        var open = Urls.Where(u => !BindAddresses.IsLoopback(u)).ToList();
        return string.Join(", ", open.Count > 0 ? open : Urls);
    }
}
