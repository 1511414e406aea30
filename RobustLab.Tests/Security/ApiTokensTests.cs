using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

public class ApiTokensTests
{
    [Fact]
    public void Generated_tokens_are_long_random_and_url_safe()
    {
        string a = ApiTokens.Generate(), b = ApiTokens.Generate();
        Assert.NotEqual(a, b);
        Assert.StartsWith("rl_", a);
        Assert.Equal(3 + 43, a.Length); // 32 bytes in unpadded base64url
        Assert.Matches("^rl_[A-Za-z0-9_-]+$", a);
    }

    [Fact]
    public void A_token_verifies_against_its_own_hash_only()
    {
        string token = ApiTokens.Generate();
        string hash = ApiTokens.Hash(token);
        Assert.Matches("^sha256\\$[0-9a-f]{64}$", hash);
        Assert.True(ApiTokens.Verify(token, hash));
        Assert.False(ApiTokens.Verify(ApiTokens.Generate(), hash));
        Assert.False(ApiTokens.Verify(token + "x", hash));
        Assert.False(ApiTokens.Verify("", hash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256$")]
    [InlineData("sha256$zz")]
    [InlineData("md5$9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("sha256$9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g")]
    public void A_malformed_hash_never_matches(string hash)
    {
        Assert.False(ApiTokens.IsWellFormed(hash));
        Assert.False(ApiTokens.Verify("test", hash));
    }

    [Fact]
    public void Find_returns_the_entry_whose_hash_matches()
    {
        string token = ApiTokens.Generate();
        ApiTokenOptions[] configured =
        [
            new() { Name = "other", TokenHash = ApiTokens.Hash(ApiTokens.Generate()) },
            new() { Name = "ci", TokenHash = ApiTokens.Hash(token) },
        ];
        Assert.Equal("ci", ApiTokens.Find(configured, token)?.Name);
        Assert.Null(ApiTokens.Find(configured, ApiTokens.Generate()));
    }
}
