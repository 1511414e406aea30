namespace RobustLab.Web.Security;

/// <summary>
/// What stays open when authentication is required: the health probe, the login page and static assets (the login
/// page's and Blazor's). Everything else (pages, /api, /hangfire, downloads, the Blazor circuit) needs a user.
/// </summary>
public static class PublicPaths
{
    static readonly string[] Exact = ["/healthz", "/login", "/logout", "/favicon.ico", "/favicon.png"];

    /// <summary>Static asset folders: Blazor's framework script, Razor class library assets (MudBlazor), wwwroot folders.</summary>
    static readonly string[] Prefixes = ["/_framework", "/_content", "/css", "/js", "/lib", "/img", "/fonts"];

    public static bool IsPublic(PathString path) =>
        Exact.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase)) ||
        Prefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Requests that a script makes, which get 401/403 instead of a redirect to the login page.</summary>
    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) ||
        request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase) ||
        request.Headers.XRequestedWith == "XMLHttpRequest";
}
