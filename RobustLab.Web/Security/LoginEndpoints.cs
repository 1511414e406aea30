using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
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
        app.MapPost("/login", LogInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/logout", LogOutAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    // Both POSTs validate the antiforgery token themselves (hence DisableAntiforgery on the metadata): the form is read
    // by hand, and a failed check should answer with the page and a message rather than a bare 400.

    static IResult ShowLogin(HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
        Page(context, antiforgery, LocalOrRoot(returnUrl), message: null, StatusCodes.Status200OK);

    static async Task<IResult> LogInAsync(HttpContext context, IAntiforgery antiforgery, IOptionsMonitor<SecurityOptions> options)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string returnUrl = LocalOrRoot(form["returnUrl"]);
        if (!await antiforgery.IsRequestValidAsync(context))
            return Page(context, antiforgery, returnUrl, "The form expired. Please try again.", StatusCodes.Status400BadRequest);

        string user = form["user"].ToString().Trim();
        string password = form["password"].ToString();
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
        if (!await antiforgery.IsRequestValidAsync(context))
            return Results.BadRequest();
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect("/login");
    }

    /// <summary>Only a path on this site: "/runs/3" yes; "//evil.example", "/\evil", "https://..." no (open redirect).</summary>
    public static string LocalOrRoot(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\n') && !url.Contains('\r')
            ? url
            : "/";

    static IResult Page(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? message, int status)
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
