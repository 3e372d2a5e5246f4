using System.Security.Cryptography;
using Chorus.Discord.Dave;

namespace Chorus.Discord.Tests.Dave;

public sealed class TruncatedAesGcmTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(1275)]
    [InlineData(3000)]
    public void DecryptsWhatFullGcmEncryptsAndRejectsTampering(int length)
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plaintext = RandomNumberGenerator.GetBytes(length);
        var ciphertext = new byte[length];
        var tag = new byte[16];
        using (var reference = new AesGcm(key, 16))
        {
            reference.Encrypt(nonce, plaintext, ciphertext, tag);
        }

        using var cipher = new TruncatedAesGcm(key);
        var output = new byte[length];
        Assert.True(cipher.TryDecrypt(nonce, ciphertext, tag.AsSpan(0, 8), output));
        Assert.Equal(plaintext, output);

        var mine = new byte[length];
        var mineTag = new byte[8];
        cipher.Encrypt(nonce, plaintext, mine, mineTag);
        Assert.Equal(ciphertext, mine);
        Assert.Equal(tag[..8], mineTag);

        var badTag = tag[..8];
        badTag[3] ^= 0x10;
        Assert.False(cipher.TryDecrypt(nonce, ciphertext, badTag, output));
        Assert.All(output, b => Assert.Equal(0, b));
        if (length > 0)
        {
            ciphertext[length / 2] ^= 1;
            Assert.False(cipher.TryDecrypt(nonce, ciphertext, tag.AsSpan(0, 8), output));
        }
    }
}
