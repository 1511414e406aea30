using Microsoft.Extensions.Options;

namespace RobustLab.Web.Security;

/// <summary>
/// Checked when the app starts (ValidateOnStart): the app refuses to start when authentication is required and no
/// account exists, or when an entry is incomplete or its hash is not one that <c>robustlab hash-password</c> makes.
/// Each message names the configuration key and what to do.
/// </summary>
public sealed class SecurityOptionsValidator(IConfiguration configuration) : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        var mode = SecurityMode.Resolve(configuration, options);
        if (mode.RequireAuthentication && options.Accounts.Count == 0)
        {
            failures.Add(mode.Configured == true
                ? "Security:RequireAuthentication is true but no account is configured: add Security:Accounts (robustlab hash-password)."
                : $"robustlab is bound to {mode.PublicUrls()}, which is not loopback, but no account is configured: " +
                  "add Security:Accounts (robustlab hash-password) or bind to 127.0.0.1.");
        }

        for (int i = 0; i < options.Accounts.Count; i++)
        {
            var account = options.Accounts[i];
            if (string.IsNullOrWhiteSpace(account.User))
                failures.Add($"Security:Accounts:{i}:User is empty: give the account a user name.");
            if (!PasswordHashing.IsWellFormed(account.PasswordHash))
                failures.Add($"Security:Accounts:{i}:PasswordHash is not a password hash: make one with 'robustlab hash-password' (never the password itself).");
        }
        foreach (var duplicate in options.Accounts.GroupBy(a => a.User.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1 && g.Key != ""))
            failures.Add($"Security:Accounts: the user '{duplicate.Key}' is listed {duplicate.Count()} times.");

        for (int i = 0; i < options.ApiTokens.Count; i++)
        {
            var token = options.ApiTokens[i];
            if (string.IsNullOrWhiteSpace(token.Name))
                failures.Add($"Security:ApiTokens:{i}:Name is empty: name the script or person holding the token.");
            if (!ApiTokens.IsWellFormed(token.TokenHash))
                failures.Add($"Security:ApiTokens:{i}:TokenHash is not 'sha256$' and 64 hex digits: make one with 'robustlab hash-password --token' (never the token itself).");
        }
        var limits = options.LoginLimits;
        if (limits.PerClient < 1)
            failures.Add($"Security:LoginLimits:PerClient is {limits.PerClient}: give the number of login attempts a client may make per window (1 or more).");
        if (limits.PerAccount < 1)
            failures.Add($"Security:LoginLimits:PerAccount is {limits.PerAccount}: give the number of login attempts per user name per window (1 or more).");
        if (limits.Window <= TimeSpan.Zero)
            failures.Add($"Security:LoginLimits:Window is {limits.Window}: give a positive time span such as \"00:15:00\".");
        foreach (string origin in options.AllowedOrigins)
            if (!CrossSiteRequests.IsOrigin(origin))
                failures.Add($"Security:AllowedOrigins: '{origin}' is not an origin: write scheme://host[:port], e.g. https://lab.example.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
