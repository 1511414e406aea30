using System.Buffers.Binary;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

public class PasswordHashingTests
{
    [Fact]
    public void A_hash_verifies_its_own_password()
    {
        string hash = PasswordHashing.Hash("correct horse battery staple");
        Assert.True(PasswordHashing.Verify(hash, "correct horse battery staple"));
        Assert.True(PasswordHashing.IsWellFormed(hash));
    }

    [Fact]
    public void A_wrong_password_fails()
    {
        string hash = PasswordHashing.Hash("correct horse battery staple");
        Assert.False(PasswordHashing.Verify(hash, "correct horse battery stapler"));
        Assert.False(PasswordHashing.Verify(hash, ""));
    }

    [Fact]
    public void Hashes_of_the_same_password_differ_by_salt()
    {
        string a = PasswordHashing.Hash("same"), b = PasswordHashing.Hash("same");
        Assert.NotEqual(a, b);
        Assert.True(PasswordHashing.Verify(a, "same"));
        Assert.True(PasswordHashing.Verify(b, "same"));
    }

    [Fact]
    public void The_hash_records_its_iteration_count()
    {
        var bytes = Convert.FromBase64String(PasswordHashing.Hash("pw"));
        Assert.Equal(0x01, bytes[0]); // Identity V3
        Assert.Equal((uint)PasswordHashing.Iterations, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hunter2")]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    public void A_malformed_hash_fails_without_throwing(string hash)
    {
        Assert.False(PasswordHashing.IsWellFormed(hash));
        Assert.False(PasswordHashing.Verify(hash, "hunter2"));
    }
}
