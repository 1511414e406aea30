using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace RobustLab.Web.Security;

/// <summary>
/// Keeps other web sites from acting through the user's browser, which matters most on the loopback default where no
/// login is needed: any page the user has open could otherwise post to http://127.0.0.1:5000.
/// <list type="bullet">
/// <item>A state-changing request (POST, PUT, PATCH, DELETE) or a WebSocket handshake whose Origin is not the server's
/// own (nor one of Security:AllowedOrigins), or that the browser marks <c>Sec-Fetch-Site: cross-site</c> or
/// <c>same-site</c> (another port of the same host is same-site), gets 403. A request without either header (curl,
/// scripts, HttpClient) is not from a browser page and passes.</item>
/// <item>A request to /api that carries a body must say it is JSON (application/json or any +json type), else 415.
/// Browsers send text/plain and form bodies across sites without asking first; a JSON body needs a CORS preflight,
/// which this server never grants.</item>
/// </list>
/// Both answers are problem documents. The dashboard's own calls (Blazor's /_blazor negotiation and circuit, form posts,
/// Hangfire's buttons) come from the same origin and pass.
/// </summary>
public sealed class CrossSiteRequests(RequestDelegate next, IOptions<SecurityOptions> options)
{
    readonly HashSet<string> _allowedOrigins = options.Value.AllowedOrigins
        .Select(o => Normalise(o) ?? o).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsStateChanging(request) && CrossSiteReason(request) is { } reason)
            return Problem(context, StatusCodes.Status403Forbidden, "Cross-site request refused",
                $"{reason} This server accepts POST, PUT, PATCH, DELETE and WebSocket requests only from its own pages " +
                "and from clients that are not browsers (scripts send no Origin header). A reverse proxy's public origin " +
                "can be added to Security:AllowedOrigins.");
        if (IsApi(request) && HasBody(request) && !IsJson(request.ContentType))
            return Problem(context, StatusCodes.Status415UnsupportedMediaType, "Send JSON",
                $"The API reads JSON bodies only: send Content-Type: application/json (this request said " +
                $"{(string.IsNullOrEmpty(request.ContentType) ? "no content type" : request.ContentType)}).");
        return next(context);
    }

    /// <summary>
    /// The WebSocket handshake is read from the headers (HTTP/1.1 Upgrade, HTTP/2 CONNECT), not from the WebSocket
    /// feature, which middleware later in the pipeline may be the one to add.
    /// </summary>
    static bool IsStateChanging(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) ||
        HttpMethods.IsDelete(request.Method) || HttpMethods.IsConnect(request.Method) ||
        request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the request comes from another site, or null when it does not (or says nothing either way).</summary>
    string? CrossSiteReason(HttpRequest request)
    {
        string site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || site.Equals("same-site", StringComparison.OrdinalIgnoreCase))
            return $"The browser sent it from another site (Sec-Fetch-Site: {site}).";
        // The browser vouches for its own page (a script cannot set Sec-Fetch-Site). A same-origin form post carries
        // "Origin: null" under this app's Referrer-Policy: no-referrer, so the Origin alone would refuse our own login form.
        if (site.Equals("same-origin", StringComparison.OrdinalIgnoreCase)) return null;
        var origins = request.Headers.Origin;
        if (origins.Count == 0) return null;
        string origin = origins.ToString();
        if (IsOwnOrigin(origin, request) || _allowedOrigins.Contains(Normalise(origin) ?? origin)) return null;
        return $"Its Origin ({Shorten(origin)}) is not this server ({request.Scheme}://{Shorten(request.Host.Value ?? "")}).";
    }

    /// <summary>
    /// The Origin names the host and port the request was sent to. The scheme is not compared: behind a proxy that ends
    /// TLS the request arrives as http while the page's origin is https.
    /// </summary>
    static bool IsOwnOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !request.Host.HasValue)
            return false; // includes "null" (sandboxed frames, file: pages)
        var host = request.Host;
        int port = host.Port ?? (uri.Scheme == "https" ? 443 : 80);
        return string.Equals(Unbracket(uri.IdnHost), Unbracket(host.Host), StringComparison.OrdinalIgnoreCase) && uri.Port == port;
    }

    static string Unbracket(string host) => host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;

    /// <summary>True for scheme://host[:port] with nothing after it (what a browser sends as Origin).</summary>
    public static bool IsOrigin(string? value) => Normalise(value) is not null;

    static string? Normalise(string? value) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
        uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : null;

    static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.ContentLength is null &&
        (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody
         ?? request.Headers.TransferEncoding.Count > 0);

    static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
         media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "...";

    static Task Problem(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
}
