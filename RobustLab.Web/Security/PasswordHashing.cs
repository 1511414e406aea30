using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace RobustLab.Web.Security;

/// <summary>
/// Account passwords, hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (format V3:
/// PBKDF2-HMAC-SHA512 with a random 128-bit salt; the iteration count travels inside the hash, so raising it later
/// keeps old hashes valid).
/// </summary>
public static class PasswordHashing
{
    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA512 (Identity's default is 100,000).</summary>
    public const int Iterations = 210_000;

    /// <summary>Identity's hasher is generic over a user type it never reads; this one stands in for it.</summary>
    sealed class Account;

    static readonly PasswordHasher<Account> Hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = Iterations,
    }));

    static readonly Account Nobody = new();

    public static string Hash(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        return Hasher.HashPassword(Nobody, password);
    }

    /// <summary>True when <paramref name="password"/> matches; false for a wrong password or a malformed hash.</summary>
    public static bool Verify(string hash, string password)
    {
        if (!IsWellFormed(hash) || string.IsNullOrEmpty(password)) return false;
        try
        {
            return Hasher.VerifyHashedPassword(Nobody, hash, password) is not PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="hash"/> looks like a PasswordHasher V3 hash (base64, format marker 0x01).</summary>
    public static bool IsWellFormed(string? hash)
    {
        if (string.IsNullOrWhiteSpace(hash)) return false;
        var bytes = new byte[hash.Length];
        // marker (1) + PRF (4) + iterations (4) + salt length (4) + salt (>= 16) + subkey (>= 16)
        return Convert.TryFromBase64String(hash, bytes, out int length) && length >= 45 && bytes[0] == 0x01;
    }

    /// <summary>
    /// Spends the same time as a real check, for a user name that does not exist, so that the login's response time
    /// does not say which user names do.
    /// </summary>
    public static void VerifyAgainstNothing(string password) => Verify(DummyHash.Value, password ?? "");

    static readonly Lazy<string> DummyHash = new(() => Hash(Guid.NewGuid().ToString()));
}
