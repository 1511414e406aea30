using Microsoft.Extensions.Options;

namespace RobustLab.Web.Security;

/// <summary>
/// Sets the response headers every page, API answer, static file and /hangfire page carries. They are set when the
/// response starts, after everything else has written its headers (this middleware runs first, so its OnStarting
/// callback runs last): they survive an exception handler that clears the response, and they replace what a component
/// set on its own (Blazor Server writes <c>frame-ancestors 'self'</c> as the whole policy), so that the app's policy is
/// the one in force everywhere.
/// Strict-Transport-Security is not here: UseRobustLabSecurity adds it with UseHsts, which sends it only over HTTPS
/// and never for localhost.
/// </summary>
public sealed class SecureHeaders(RequestDelegate next, IOptions<SecurityOptions> options)
{
    /// <summary>
    /// Local assets only. Why each relaxation:
    /// script-src 'unsafe-inline': Blazor's ImportMap component and the Hangfire dashboard emit inline script blocks;
    /// script-src 'unsafe-eval': Plotly.js compiles some trace types with new Function() (its "strict" bundle avoids
    /// it; tighten this once the dashboard uses that bundle); style-src 'unsafe-inline': Blazor/MudBlazor components and
    /// Plotly write style attributes; connect-src ws: wss:: Blazor Server's SignalR circuit (older Safari does not let
    /// 'self' cover WebSockets); img-src data:: Plotly's export and inline SVG icons. frame-ancestors 'none' is the CSP
    /// form of X-Frame-Options DENY.
    /// </summary>
    public const string DefaultContentSecurityPolicy =
        "default-src 'self'; " +
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self' ws: wss:; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    readonly string contentSecurityPolicy = string.IsNullOrWhiteSpace(options.Value.ContentSecurityPolicy)
        ? DefaultContentSecurityPolicy
        : options.Value.ContentSecurityPolicy;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (response, csp) = ((HttpResponse, string))state;
            var headers = response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = csp;
            return Task.CompletedTask;
        }, (context.Response, contentSecurityPolicy));
        return next(context);
    }
}
