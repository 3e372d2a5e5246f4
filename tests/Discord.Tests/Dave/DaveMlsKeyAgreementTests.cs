using System.Buffers.Binary;
using Chorus.Discord.Dave;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;

namespace Chorus.Discord.Tests.Dave;

public sealed class DaveMlsKeyAgreementTests
{
    [Fact]
    public void MembersDeriveMatchingSenderRatchetsFromTheGroup()
    {
        using var gateway = SignatureKeyPair.Generate();
        var groupId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(groupId, 555);
        var sender = ExternalProposals.CreateSender(gateway, [1]);
        var alice = MlsGroup.Create(groupId, KeyPackageBundle.Create(MlsIdentity.Generate(10)), [sender.ToExtension()]);
        var bobBundle = KeyPackageBundle.Create(MlsIdentity.Generate(20));
        alice.ProcessProposal(ExternalProposals.Add(gateway, groupId, 0, bobBundle.Encoded).Message, id => id is 10 or 20);
        var output = alice.CreateCommit();
        alice = alice.ProcessCommit(output.Commit);
        var bob = MlsGroup.Join(output.Welcome!, bobBundle);

        using var aliceSends = new DaveEncryptor();
        aliceSends.SetRatchet(DaveKeyRatchet.FromGroup(alice, 10));
        using var bobHearsAlice = new DaveDecryptor();
        bobHearsAlice.TransitionToRatchet(DaveKeyRatchet.FromGroup(bob, 10));
        using var bobHearsWrongUser = new DaveDecryptor();
        bobHearsWrongUser.TransitionToRatchet(DaveKeyRatchet.FromGroup(bob, 20));

        byte[] opus = [0x78, 1, 2, 3, 4, 5, 6];
        var frame = new byte[DaveEncryptor.MaxOutputSize(opus.Length)];
        var length = aliceSends.Encrypt(opus, frame);
        var plain = new byte[length];
        Assert.Equal(DaveDecryptResult.Decrypted, bobHearsAlice.Decrypt(frame.AsSpan(0, length), plain, out var written));
        Assert.Equal(opus, plain[..written]);
        Assert.Equal(DaveDecryptResult.AuthenticationFailed, bobHearsWrongUser.Decrypt(frame.AsSpan(0, length), plain, out _));
    }
}
