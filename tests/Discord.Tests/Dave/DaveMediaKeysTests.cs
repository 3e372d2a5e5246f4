using System.Buffers.Binary;
using Chorus.Discord.Dave;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;

namespace Chorus.Discord.Tests.Dave;

public sealed class DaveMediaKeysTests
{
    private static byte[] Send(DaveMediaKeys keys, byte[] opus)
    {
        var buffer = new byte[DaveEncryptor.MaxOutputSize(opus.Length)];
        return buffer[..keys.Encrypt(opus, buffer)];
    }

    private static (DaveDecryptResult, byte[]) Receive(DaveMediaKeys keys, ulong from, byte[] frame)
    {
        var output = new byte[frame.Length];
        var result = keys.Decrypt(from, frame, output, out var written);
        return (result, output[..written]);
    }

    [Fact]
    public void MembersHearEachOtherAcrossAnEpochChange()
    {
        using var gateway = SignatureKeyPair.Generate();
        var groupId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(groupId, 4242);
        var alice = MlsGroup.Create(groupId, KeyPackageBundle.Create(MlsIdentity.Generate(1)), [ExternalProposals.CreateSender(gateway, [0]).ToExtension()]);
        var bobBundle = KeyPackageBundle.Create(MlsIdentity.Generate(2));
        alice.ProcessProposal(ExternalProposals.Add(gateway, groupId, 0, bobBundle.Encoded).Message);
        var commit = alice.CreateCommit();
        alice = alice.ProcessCommit(commit.Commit);
        var bob = MlsGroup.Join(commit.Welcome!, bobBundle);

        using var aliceKeys = new DaveMediaKeys(1);
        using var bobKeys = new DaveMediaKeys(2);
        Assert.False(aliceKeys.CanEncrypt);
        aliceKeys.PrepareEpoch(alice);
        bobKeys.PrepareEpoch(bob);
        Assert.False(aliceKeys.CanEncrypt);
        aliceKeys.ExecuteTransition();
        bobKeys.ExecuteTransition();
        Assert.Equal([2ul], aliceKeys.KnownSenders);

        byte[] opus = [1, 2, 3, 4, 5];
        var (result, plain) = Receive(bobKeys, 1, Send(aliceKeys, opus));
        Assert.Equal(DaveDecryptResult.Decrypted, result);
        Assert.Equal(opus, plain);
        Assert.Equal(DaveDecryptResult.NoKey, Receive(bobKeys, 3, Send(aliceKeys, opus)).Item1);

        // Epoch 2: a third member; Alice still sends on epoch 1 until her transition executes, Bob decodes both.
        var carolBundle = KeyPackageBundle.Create(MlsIdentity.Generate(3));
        var add = ExternalProposals.Add(gateway, groupId, 1, carolBundle.Encoded).Message;
        alice.ProcessProposal(add);
        bob.ProcessProposal(add);
        var second = bob.CreateCommit();
        bob = bob.ProcessCommit(second.Commit);
        alice = alice.ProcessCommit(second.Commit);
        bobKeys.PrepareEpoch(bob);
        Assert.Equal(DaveDecryptResult.Decrypted, Receive(bobKeys, 1, Send(aliceKeys, opus)).Item1);
        aliceKeys.PrepareEpoch(alice);
        aliceKeys.ExecuteTransition();
        Assert.Equal(DaveDecryptResult.Decrypted, Receive(bobKeys, 1, Send(aliceKeys, opus)).Item1);
        Assert.Equal([2ul, 3ul], aliceKeys.KnownSenders.Order());

        aliceKeys.Reset();
        Assert.False(aliceKeys.CanEncrypt);
        Assert.Empty(aliceKeys.KnownSenders);
        byte[] silence = [0xF8, 0xFF, 0xFE];
        var (silenceResult, silenceOut) = Receive(aliceKeys, 2, silence);
        Assert.Equal(DaveDecryptResult.Silence, silenceResult);
        Assert.Equal(silence, silenceOut);
    }
}
