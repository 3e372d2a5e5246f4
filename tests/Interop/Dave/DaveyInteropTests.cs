using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Chorus.Discord.Dave;
using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;

namespace Chorus.Interop.Dave;

/// <summary>
/// Our MLS + DAVE frame code against @snazzah/davey (OpenMLS inside): groups formed in both directions, commits from either
/// side processed by the other, privacy codes equal, and Opus frames encrypted by one side decrypted by the other.
/// </summary>
[EndToEnd]
public sealed class DaveyInteropTests
{
    private const ulong ChannelId = 1234567890123;
    private const ulong OurUser = 111111111111;
    private const ulong DaveyUser = 222222222222;
    private const ulong ThirdUser = 333333333333;

    private static byte[] GroupId()
    {
        var id = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(id, ChannelId);
        return id;
    }

    private static byte[] Hex(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());

    private static string Hex(byte[] data) => Convert.ToHexString(data).ToLowerInvariant();

    /// <summary>op 27 append body after the operation byte: proposal_messages&lt;V&gt;.</summary>
    private static string Op27Append(params byte[][] messages)
    {
        var writer = new TlsWriter();
        writer.WriteVector(messages, static (w, m) => w.WriteBytes(m));
        return Hex(writer.ToArray());
    }

    private static byte[][] OpusFrames(int count) =>
        Enumerable.Range(0, count).Select(i => Enumerable.Range(0, 20 + (i * 7)).Select(j => (byte)(i + j)).ToArray()).ToArray();

    private sealed class Gateway : IDisposable
    {
        public SignatureKeyPair Key { get; } = SignatureKeyPair.Generate();

        public ExternalSender Sender => ExternalProposals.CreateSender(Key, "discord"u8.ToArray());

        public string SenderHex => Hex(Tls.Encode(Sender));

        public void Dispose() => Key.Dispose();
    }

    private static async Task AssertFramesBothWays(DaveyPeer davey, MlsGroup ours, ulong ourUser)
    {
        // davey -> us
        var frames = OpusFrames(5);
        var encrypted = (await davey.RequestAsync(new { cmd = "encrypt", frames = frames.Select(Hex).ToArray() }))["frames"]!.AsArray();
        using var decryptor = new DaveDecryptor();
        decryptor.TransitionToRatchet(DaveKeyRatchet.FromGroup(ours, DaveyUser));
        for (var i = 0; i < frames.Length; i++)
        {
            var frame = Hex(encrypted[i]);
            Assert.Equal([0xFA, 0xFA], frame[^2..]);
            var output = new byte[frame.Length];
            Assert.Equal(DaveDecryptResult.Decrypted, decryptor.Decrypt(frame, output, out var written));
            Assert.Equal(frames[i], output[..written]);
        }

        // us -> davey
        using var encryptor = new DaveEncryptor();
        encryptor.SetRatchet(DaveKeyRatchet.FromGroup(ours, ourUser));
        var ourFrames = frames.Select(f =>
        {
            var buffer = new byte[DaveEncryptor.MaxOutputSize(f.Length)];
            return Hex(buffer[..encryptor.Encrypt(f, buffer)]);
        }).ToArray();
        var decrypted = (await davey.RequestAsync(new { cmd = "decrypt", userId = ourUser.ToString(), frames = ourFrames }))["frames"]!.AsArray();
        for (var i = 0; i < frames.Length; i++)
        {
            Assert.Equal(Hex(frames[i]), decrypted[i]!.GetValue<string>());
        }
    }

    private static async Task AssertSameEpoch(DaveyPeer davey, MlsGroup ours)
    {
        var state = await davey.RequestAsync(new { cmd = "state" });
        Assert.Equal((long)ours.Epoch, state["epoch"]!.GetValue<long>());
        Assert.Equal(Hex(ours.EpochAuthenticator), state["authenticator"]!.GetValue<string>());
        Assert.Equal(DavePrivacyCode.ForEpochAuthenticator(ours.EpochAuthenticator), state["privacyCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task DaveyJoinsOurGroupThenCommitsAddsAndRemovesThatWeProcess()
    {
        using var gateway = new Gateway();
        await using var davey = DaveyPeer.Start();
        var daveyKeyPackage = Hex((await davey.RequestAsync(new { cmd = "init", userId = DaveyUser.ToString(), channelId = ChannelId.ToString(), externalSender = gateway.SenderHex }))["keyPackage"]);
        Assert.Equal([0x00, 0x01, 0x00, 0x02], daveyKeyPackage[..4]);

        // Epoch 1: we commit the gateway's Add of davey; davey joins with our Welcome.
        var ours = MlsGroup.Create(GroupId(), KeyPackageBundle.Create(MlsIdentity.Generate(OurUser)), [gateway.Sender.ToExtension()]);
        ours.ProcessProposal(ExternalProposals.Add(gateway.Key, GroupId(), 0, daveyKeyPackage).Message, id => id is OurUser or DaveyUser);
        var commit = ours.CreateCommit();
        ours = ours.ProcessCommit(commit.Commit);
        await davey.RequestAsync(new { cmd = "welcome", data = Hex(commit.Welcome!) });
        await AssertSameEpoch(davey, ours);
        await AssertFramesBothWays(davey, ours, OurUser);

        // Epoch 2: a third (C#) member; this time davey's commit wins and both C# members follow it.
        var thirdBundle = KeyPackageBundle.Create(MlsIdentity.Generate(ThirdUser));
        var add = ExternalProposals.Add(gateway.Key, GroupId(), 1, thirdBundle.Encoded).Message;
        string[] recognized = [OurUser.ToString(), DaveyUser.ToString(), ThirdUser.ToString()];
        var daveyCommit = await davey.RequestAsync(new { cmd = "proposals", operation = 0, data = Op27Append(add), recognized });
        ours.ProcessProposal(add, id => id is OurUser or DaveyUser or ThirdUser);
        ours = ours.ProcessCommit(Hex(daveyCommit["commit"]));
        await davey.RequestAsync(new { cmd = "commit", data = daveyCommit["commit"]!.GetValue<string>() });
        var welcome = Hex(daveyCommit["welcome"]);
        var third = welcome[..4] is [0x00, 0x01, 0x00, 0x03]
            ? MlsGroup.Join(MlsMessage.Decode(welcome).Welcome!, thirdBundle, null)
            : MlsGroup.Join(welcome, thirdBundle);
        await AssertSameEpoch(davey, ours);
        Assert.Equal(ours.EpochAuthenticator, third.EpochAuthenticator);
        await AssertFramesBothWays(davey, third, ThirdUser);

        // Epoch 3: the gateway removes the third member; davey commits with an UpdatePath that we must decrypt.
        var thirdLeaf = ours.Members.Single(m => m.UserId == ThirdUser).LeafIndex;
        var remove = ExternalProposals.Remove(gateway.Key, GroupId(), 2, thirdLeaf).Message;
        var removeCommit = await davey.RequestAsync(new { cmd = "proposals", operation = 0, data = Op27Append(remove), recognized });
        ours.ProcessProposal(remove);
        ours = ours.ProcessCommit(Hex(removeCommit["commit"]));
        await davey.RequestAsync(new { cmd = "commit", data = removeCommit["commit"]!.GetValue<string>() });
        await AssertSameEpoch(davey, ours);
        Assert.Equal(3ul, ours.Epoch);
        Assert.Equal([OurUser, DaveyUser], ours.Members.Select(m => m.UserId!.Value).Order());
        await AssertFramesBothWays(davey, ours, OurUser);
    }

    [Fact]
    public async Task WeJoinDaveysGroupAndDaveyProcessesOurRemoveCommit()
    {
        using var gateway = new Gateway();
        await using var davey = DaveyPeer.Start();
        await davey.RequestAsync(new { cmd = "init", userId = DaveyUser.ToString(), channelId = ChannelId.ToString(), externalSender = gateway.SenderHex });
        string[] recognized = [OurUser.ToString(), DaveyUser.ToString(), ThirdUser.ToString()];

        var ourBundle = KeyPackageBundle.Create(MlsIdentity.Generate(OurUser));
        var add = ExternalProposals.Add(gateway.Key, GroupId(), 0, ourBundle.Encoded).Message;
        var result = await davey.RequestAsync(new { cmd = "proposals", operation = 0, data = Op27Append(add), recognized });
        await davey.RequestAsync(new { cmd = "commit", data = result["commit"]!.GetValue<string>() });
        var welcome = Hex(result["welcome"]);
        var ours = welcome[..4] is [0x00, 0x01, 0x00, 0x03]
            ? MlsGroup.Join(MlsMessage.Decode(welcome).Welcome!, ourBundle, null)
            : MlsGroup.Join(welcome, ourBundle);
        Assert.Single(ours.ExternalSenders);
        await AssertSameEpoch(davey, ours);
        await AssertFramesBothWays(davey, ours, OurUser);

        // We add a third member (our commit, davey follows), then remove it with an UpdatePath davey must decrypt.
        var thirdBundle = KeyPackageBundle.Create(MlsIdentity.Generate(ThirdUser));
        var addThird = ExternalProposals.Add(gateway.Key, GroupId(), 1, thirdBundle.Encoded).Message;
        await davey.RequestAsync(new { cmd = "proposals", operation = 0, data = Op27Append(addThird), recognized });
        ours.ProcessProposal(addThird, id => id is OurUser or DaveyUser or ThirdUser);
        var ourCommit = ours.CreateCommit();
        ours = ours.ProcessCommit(ourCommit.Commit);
        await davey.RequestAsync(new { cmd = "commit", data = Hex(ourCommit.Commit) });
        var third = MlsGroup.Join(ourCommit.Welcome!, thirdBundle);
        await AssertSameEpoch(davey, ours);
        Assert.Equal(ours.EpochAuthenticator, third.EpochAuthenticator);

        var remove = ExternalProposals.Remove(gateway.Key, GroupId(), 2, ours.Members.Single(m => m.UserId == ThirdUser).LeafIndex).Message;
        await davey.RequestAsync(new { cmd = "proposals", operation = 0, data = Op27Append(remove), recognized });
        ours.ProcessProposal(remove);
        var removal = ours.CreateCommit();
        Assert.Null(removal.Welcome);
        ours = ours.ProcessCommit(removal.Commit);
        await davey.RequestAsync(new { cmd = "commit", data = Hex(removal.Commit) });
        await AssertSameEpoch(davey, ours);
        await AssertFramesBothWays(davey, ours, OurUser);
    }
}
