using System.Security.Cryptography;
using System.Text;

namespace RobustLab.Web.Security;

/// <summary>
/// API tokens: 32 random bytes, base64url, prefixed "rl_" so that a leaked one is easy to recognise. A token carries
/// 256 bits of entropy, so a plain SHA-256 of it is enough to store (nothing to brute-force, unlike a password); the
/// comparison is constant-time all the same.
/// </summary>
public static class ApiTokens
{
    public const string HashPrefix = "sha256$";
    const string TokenPrefix = "rl_";

    public static string Generate() =>
        TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>"sha256$" + lowercase hex of SHA-256(UTF-8 token).</summary>
    public static string Hash(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    public static bool Verify(string token, string hash)
    {
        if (string.IsNullOrEmpty(token) || !TryDecode(hash, out var expected)) return false;
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>The configured token whose hash matches <paramref name="token"/>, or null. Checks every entry.</summary>
    public static ApiTokenOptions? Find(IEnumerable<ApiTokenOptions> configured, string token)
    {
        ApiTokenOptions? match = null;
        foreach (var entry in configured)
            if (Verify(token, entry.TokenHash) && match is null)
                match = entry;
        return match;
    }

    public static bool IsWellFormed(string? hash) => TryDecode(hash, out _);

    static bool TryDecode(string? hash, out byte[] digest)
    {
        digest = [];
        if (hash is null || !hash.StartsWith(HashPrefix, StringComparison.Ordinal) || hash.Length != HashPrefix.Length + 64)
            return false;
        try
        {
            digest = Convert.FromHexString(hash.AsSpan(HashPrefix.Length));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
