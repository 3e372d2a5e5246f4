using System.Buffers.Binary;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Group;

/// <summary>Plays the DAVE delivery service (the external sender) for a set of in-process members.</summary>
internal sealed class DaveGroupScenario : IDisposable
{
    public const string FramesLabel = "Discord Secure Frames v0";

    public DaveGroupScenario(ulong channelId = 0x0102030405060708, MlsGroupOptions? options = null)
    {
        GroupId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(GroupId, channelId);
        ExternalSender = ExternalProposals.CreateSender(DeliveryServiceKey, "delivery-service"u8.ToArray());
        Options = options ?? MlsGroupOptions.Dave;
    }

    public SignatureKeyPair DeliveryServiceKey { get; } = SignatureKeyPair.Generate();

    public ExternalSender ExternalSender { get; }

    public byte[] GroupId { get; }

    public MlsGroupOptions Options { get; }

    public HashSet<ulong> Recognized { get; } = [];

    public Dictionary<ulong, MlsGroup> Members { get; } = [];

    public ulong Epoch { get; private set; }

    public static byte[] UserContext(ulong userId)
    {
        var context = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(context, userId);
        return context;
    }

    /// <summary>The first member creates the group alone.</summary>
    public MlsGroup Found(ulong userId)
    {
        Recognized.Add(userId);
        var bundle = KeyPackageBundle.Create(MlsIdentity.Generate(userId));
        var group = MlsGroup.Create(GroupId, bundle, [ExternalSender.ToExtension()], Options);
        Members[userId] = group;
        Epoch = 0;
        return group;
    }

    /// <summary>Add proposals for the joiners to every member, a commit by <paramref name="committer"/>, the commit to all and the Welcome to the joiners.</summary>
    public (byte[] Commit, byte[]? Welcome) Add(ulong committer, params ulong[] joiners)
    {
        var bundles = new List<KeyPackageBundle>();
        foreach (var userId in joiners)
        {
            Recognized.Add(userId);
            var bundle = KeyPackageBundle.Create(MlsIdentity.Generate(userId));
            bundles.Add(bundle);
            var (proposal, _) = ExternalProposals.Add(DeliveryServiceKey, GroupId, Epoch, bundle.Encoded);
            foreach (var member in Members.Values)
            {
                member.ProcessProposal(proposal, Recognized.Contains);
            }
        }

        var output = Members[committer].CreateCommit();
        Broadcast(output.Commit);
        foreach (var bundle in bundles)
        {
            Members[bundle.Identity.UserId] = MlsGroup.Join(output.Welcome!, bundle, Options);
        }

        return (output.Commit, output.Welcome);
    }

    public byte[] Remove(ulong committer, params ulong[] leaving)
    {
        foreach (var userId in leaving)
        {
            var leaf = Members[committer].Members.Single(m => m.UserId == userId).LeafIndex;
            var (proposal, _) = ExternalProposals.Remove(DeliveryServiceKey, GroupId, Epoch, leaf);
            foreach (var member in Members.Values)
            {
                member.ProcessProposal(proposal, Recognized.Contains);
            }
        }

        var output = Members[committer].CreateCommit();
        foreach (var userId in leaving)
        {
            Assert.Throws<MlsRemovedFromGroupException>(() => Members[userId].ProcessCommit(output.Commit));
            Members.Remove(userId);
            Recognized.Remove(userId);
        }

        Broadcast(output.Commit);
        return output.Commit;
    }

    private void Broadcast(byte[] commit)
    {
        foreach (var userId in Members.Keys.ToList())
        {
            Members[userId] = Members[userId].ProcessCommit(commit);
        }

        Epoch++;
    }

    /// <summary>Every member is at the same epoch with the same authenticator, roster and per-sender exporter output.</summary>
    public void AssertAgreement()
    {
        var groups = Members.Values.ToList();
        var first = groups[0];
        var roster = first.Members.Select(m => (m.LeafIndex, m.UserId)).ToList();
        Assert.Equal(Members.Keys.Order(), roster.Select(r => r.UserId!.Value).Order());
        foreach (var group in groups)
        {
            Assert.Equal(Epoch, group.Epoch);
            Assert.Equal(first.EpochAuthenticator, group.EpochAuthenticator);
            Assert.Equal(roster, group.Members.Select(m => (m.LeafIndex, m.UserId)).ToList());
            foreach (var userId in Members.Keys)
            {
                Assert.Equal(first.Export(FramesLabel, UserContext(userId), 16), group.Export(FramesLabel, UserContext(userId), 16));
            }
        }
    }

    public void Dispose() => DeliveryServiceKey.Dispose();
}
