using Chorus.Discord.Dave;
using Chorus.Mls.Crypto;

namespace Chorus.Discord.Tests.Dave;

public sealed class DaveKeyRatchetTests
{
    private static readonly byte[] Base = Convert.FromHexString("cedd61b1b8a1ca69046554282cf70b7b");

    [Fact]
    public void KnownAnswerFromDaveysRatchetTest()
    {
        var ratchet = new DaveKeyRatchet(Base);
        Assert.Equal(Convert.FromHexString("7530f9a9945e2d2e06d0651f7b2a864b"), ratchet.GetKey(0));
        Assert.Equal(Convert.FromHexString("301e5f4b74090f985e726bb2"), CipherSuite.DeriveTreeSecret(Base, "nonce", 0, 12));
        Assert.Equal(Convert.FromHexString("cddd06e0f3437596bacb9c06a0329c49"), ratchet.GetKey(1));
    }

    [Fact]
    public void ErasedAndPassedGenerationsAreGone()
    {
        var ratchet = new DaveKeyRatchet(Base);
        var key3 = ratchet.GetKey(3);
        Assert.NotNull(ratchet.GetKey(1));
        ratchet.Erase(1);
        Assert.Null(ratchet.GetKey(1));
        Assert.Equal(key3, new DaveKeyRatchet(Base).GetKey(3));
    }
}
