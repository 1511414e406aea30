using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace RobustLab.Web.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> checked against Security:ApiTokens. A request without that header gets
/// no result (so other schemes may answer); a wrong token fails; a challenge is 401 with
/// <c>WWW-Authenticate: Bearer</c>.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<SecurityOptions> security)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string Scheme = "ApiToken";
    const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());
        string token = header[BearerPrefix.Length..].Trim();
        var match = ApiTokens.Find(security.CurrentValue.ApiTokens, token);
        if (match is null)
            return Task.FromResult(AuthenticateResult.Fail("The API token is not one of Security:ApiTokens."));

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.AuthenticationMethod, Scheme)], Scheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"robustlab\"";
        return Task.CompletedTask;
    }
}
