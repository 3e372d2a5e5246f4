using Chorus.Discord.Dave;

namespace Chorus.Discord.Tests.Dave;

public sealed class DavePrivacyCodeTests
{
    [Fact]
    public void GroupsAreBigEndianModuloPowerOfTenAndZeroPadded()
    {
        // 00 00 00 00 01 -> 1 -> "00001"; FF FF FF FF FF = 1099511627775 -> mod 10^5 = 27775.
        byte[] data = [0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.Equal("0000127775", DavePrivacyCode.Generate(data, 10, 5));
    }

    [Fact]
    public void VoicePrivacyCodeHasThirtyDigits()
    {
        var code = DavePrivacyCode.ForEpochAuthenticator(Enumerable.Range(0, 32).Select(i => (byte)(i * 37)).ToArray());
        Assert.Equal(30, code.Length);
        Assert.All(code, c => Assert.InRange(c, '0', '9'));
    }

    [Fact]
    public void InvalidParametersAreRejected()
    {
        Assert.Throws<ArgumentException>(() => DavePrivacyCode.Generate(new byte[10], 30, 5));
        Assert.Throws<ArgumentException>(() => DavePrivacyCode.Generate(new byte[32], 30, 7));
    }
}
