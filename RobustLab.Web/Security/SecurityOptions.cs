namespace RobustLab.Web.Security;

/// <summary>
/// Configuration section "Security". Only hashes are stored: <c>robustlab hash-password</c> makes a password hash and
/// <c>robustlab hash-password --token</c> makes a random API token and its hash.
/// </summary>
/// <example>
/// "Security": {
///   "Accounts":  [ { "User": "alice", "PasswordHash": "AQAAAAIAAzQw..." } ],
///   "ApiTokens": [ { "Name": "sweep-script", "TokenHash": "sha256$9f86d0..." } ],
///   "RequireAuthentication": null,
///   "AllowedHosts": [ "lab.example" ],
///   "LoginLimits": { "PerClient": 20, "PerAccount": 10, "Window": "00:15:00" }
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

    /// <summary>
    /// The Host header values the server answers (ASP.NET Core's host filtering: "lab.example", "*.lab.example", "*" for
    /// any). Empty (the default): the bound addresses plus localhost, 127.0.0.1 and [::1]; any host when bound to every
    /// interface (0.0.0.0, [::], *) or to a Unix socket. See <see cref="HostAllowList"/>.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Origins besides the server's own (scheme://host[:port]) that may send POST, PUT, PATCH and DELETE requests, e.g.
    /// the public origin of a reverse proxy that rewrites the Host header. See <see cref="CrossSiteRequests"/>.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Brute-force limits on POST /login (see <see cref="LoginRateLimits"/>).</summary>
    public LoginLimitOptions LoginLimits { get; set; } = new();
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
