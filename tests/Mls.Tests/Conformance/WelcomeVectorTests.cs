using Chorus.Mls.Crypto;
using Chorus.Mls.Group;
using Chorus.Mls.KeySchedule;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Conformance;

public sealed class WelcomeVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("welcome");

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecryptsAndVerifies(int index)
    {
        var v = TestVectors.Load("welcome")[index];
        var keyPackage = MlsMessage.Decode(v.Hex("key_package")).KeyPackage!;
        var welcome = MlsMessage.Decode(v.Hex("welcome")).Welcome!;
        using var initKey = HpkeKeyPair.FromPrivateKey(v.Hex("init_priv"));
        Assert.Equal(keyPackage.InitKey, initKey.PublicKey);
        var (secrets, groupInfo) = MlsGroup.DecryptWelcome(welcome, keyPackage.Reference(), initKey);
        Assert.True(groupInfo.VerifySignature(v.Hex("signer_pub")));
        var epoch = EpochSecrets.FromJoinerSecret(secrets.JoinerSecret, groupInfo.GroupContext);
        Assert.True(CipherSuite.VerifyMac(epoch.ConfirmationKey, groupInfo.GroupContext.ConfirmedTranscriptHash, groupInfo.ConfirmationTag));
        Assert.Throws<MlsException>(() => MlsGroup.DecryptWelcome(welcome, new byte[32], initKey));
    }
}
