using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace RobustLab.Web.Security;

/// <summary>
/// GET /login (a form with an antiforgery token), POST /login (checks Security:Accounts and sets the cookie),
/// POST /logout. A plain page, so that it works before any dashboard asset or circuit is allowed.
/// </summary>
public static class LoginEndpoints
{
    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", ShowLogin).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/login", LogInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription()
            .RequireRateLimiting(LoginRateLimits.PerClientPolicy);
        app.MapPost("/logout", LogOutAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    // Both POSTs validate the antiforgery token themselves (hence DisableAntiforgery on the metadata): the form is read
    // by hand, and a failed check should answer with the page and a message rather than a bare 400.

    /// <summary>
    /// The login form has four short fields; anything bigger is not a login. Limits per field (FormReader's defaults
    /// allow 4 MB values and would throw past them), so a huge password is refused before it is hashed.
    /// </summary>
    static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = 16,
        KeyLengthLimit = 256,
        ValueLengthLimit = 8 * 1024,
        MultipartBodyLengthLimit = 64 * 1024,
        MultipartHeadersLengthLimit = 8 * 1024,
        BufferBodyLengthLimit = 64 * 1024,
    };

    const long MaxFormBytes = 64 * 1024;

    static IResult ShowLogin(HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
        Page(context, antiforgery, LocalOrRoot(returnUrl), message: null, StatusCodes.Status200OK);

    static async Task<IResult> LogInAsync(HttpContext context, IAntiforgery antiforgery, IOptionsMonitor<SecurityOptions> options,
        LoginRateLimits limits)
    {
        var (form, problem) = await ReadFormAsync(context);
        if (form is null)
            return Page(context, antiforgery, "/", problem, StatusCodes.Status400BadRequest);
        string returnUrl = LocalOrRoot(form["returnUrl"]);
        if (!await antiforgery.IsRequestValidAsync(context))
            return Page(context, antiforgery, returnUrl, "The form expired. Please try again.", StatusCodes.Status400BadRequest);

        string user = form["user"].ToString().Trim();
        string password = form["password"].ToString();
        using var lease = limits.AcquireForAccount(user);
        if (!lease.IsAcquired)
            return LoginRateLimits.TooManyAttempts(context, antiforgery, returnUrl, lease);

        var account = options.CurrentValue.Accounts.FirstOrDefault(a => string.Equals(a.User.Trim(), user, StringComparison.OrdinalIgnoreCase));
        bool ok;
        if (account is null)
        {
            PasswordHashing.VerifyAgainstNothing(password);
            ok = false;
        }
        else
        {
            ok = PasswordHashing.Verify(account.PasswordHash, password);
        }
        if (!ok)
            return Page(context, antiforgery, returnUrl, "Wrong user name or password.", StatusCodes.Status401Unauthorized);

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, account!.User.Trim()), new Claim(ClaimTypes.AuthenticationMethod, "password")],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    static async Task<IResult> LogOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        var (form, _) = await ReadFormAsync(context);
        if (form is null || !await antiforgery.IsRequestValidAsync(context))
            return Results.BadRequest();
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect("/login");
    }

    /// <summary>
    /// The posted form, or null and what is wrong with the request: not a form (JSON, an empty body), or too big. Never
    /// throws for a client's mistake, so none of these reaches the exception log.
    /// </summary>
    static async Task<(IFormCollection? Form, string? Problem)> ReadFormAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
            return (null, "Log in with this form (the request was not a form post).");
        if (request.ContentLength > MaxFormBytes)
            return (null, "The form is too large. Please try again.");
        context.Features.Set<IFormFeature>(new FormFeature(request, FormLimits));
        try
        {
            return (await request.ReadFormAsync(context.RequestAborted), null);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return (null, "The form is too large or malformed. Please try again.");
        }
    }

    /// <summary>
    /// Only a path on this site, by the framework's own check (<see cref="RedirectHttpResult.IsLocalUrl"/>): "/runs/3"
    /// yes; "//evil.example", "/\evil", "/&lt;TAB&gt;/evil.example" (browsers drop the tab), "https://...", "javascript:" no.
    /// Non-ASCII characters are percent-encoded, since a header value may carry ASCII only.
    /// </summary>
    public static string LocalOrRoot(string? url) =>
        url is not null && url.StartsWith('/') && RedirectHttpResult.IsLocalUrl(url) ? AsciiOnly(url) : "/";

    static string AsciiOnly(string url)
    {
        if (System.Text.Ascii.IsValid(url)) return url;
        var ascii = new StringBuilder(url.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.IsAscii) { ascii.Append((char)rune.Value); continue; }
            int count = rune.EncodeToUtf8(utf8);
            for (int i = 0; i < count; i++) ascii.Append('%').Append(utf8[i].ToString("X2"));
        }
        return ascii.ToString();
    }

    internal static IResult Page(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? message, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var mode = context.RequestServices.GetRequiredService<SecurityMode>();
        string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        string note = mode.RequireAuthentication
            ? ""
            : "<p class=\"note\">This server is open to this machine without logging in.</p>";
        string error = message is null ? "" : $"<p class=\"error\" role=\"alert\">{E(message)}</p>";
        string html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Log in - RobustLab</title>
            <style>
              body { font-family: system-ui, sans-serif; display: flex; justify-content: center; margin-top: 10vh; }
              form { display: grid; gap: .6rem; width: 18rem; }
              input, button { font: inherit; padding: .4rem; }
              .error { color: #b00020; } .note { color: #555; }
            </style>
            </head>
            <body>
            <form method="post" action="/login">
              <h1>RobustLab</h1>
              {{error}}{{note}}
              <label>User <input name="user" autocomplete="username" required autofocus></label>
              <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
              <input type="hidden" name="{{E(tokens.FormFieldName)}}" value="{{E(tokens.RequestToken)}}">
              <input type="hidden" name="returnUrl" value="{{E(returnUrl)}}">
              <button type="submit">Log in</button>
            </form>
            </body>
            </html>
            """;
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
