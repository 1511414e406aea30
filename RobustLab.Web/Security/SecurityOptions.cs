namespace RobustLab.Web.Security;

/// <summary>
/// Configuration section "Security". Only hashes are stored: <c>robustlab hash-password</c> makes a password hash and
/// <c>robustlab hash-password --token</c> makes a random API token and its hash.
/// </summary>
/// <example>
/// "Security": {
///   "Accounts":  [ { "User": "alice", "PasswordHash": "AQAAAAIAAzQw..." } ],
///   "ApiTokens": [ { "Name": "sweep-script", "TokenHash": "sha256$9f86d0..." } ],
///   "RequireAuthentication": null
/// }
/// </example>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Browser logins (cookie). At least one is required whenever authentication is required.</summary>
    public List<AccountOptions> Accounts { get; set; } = [];

    /// <summary>Tokens for scripts: <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public List<ApiTokenOptions> ApiTokens { get; set; } = [];

    /// <summary>
    /// Null (the default): required exactly when the server is bound to an address other than loopback. True: always
    /// required. False: never required, even on a public address (only for a reverse proxy that authenticates itself).
    /// </summary>
    public bool? RequireAuthentication { get; set; }

    /// <summary>Replaces <see cref="SecureHeaders.DefaultContentSecurityPolicy"/> when set.</summary>
    public string? ContentSecurityPolicy { get; set; }
}

public sealed class AccountOptions
{
    public string User { get; set; } = "";

    /// <summary>ASP.NET Core Identity's PasswordHasher format (V3: PBKDF2-HMAC-SHA512, salted), base64.</summary>
    public string PasswordHash { get; set; } = "";
}

public sealed class ApiTokenOptions
{
    /// <summary>Who holds the token; becomes the user name of requests that present it.</summary>
    public string Name { get; set; } = "";

    /// <summary>"sha256$" and the lowercase hex SHA-256 of the token (see <see cref="ApiTokens"/>).</summary>
    public string TokenHash { get; set; } = "";
}
