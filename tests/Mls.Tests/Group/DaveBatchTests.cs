using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Group;

/// <summary>The op 27 / op 28 / op 30 shaped entry points.</summary>
public sealed class DaveBatchTests
{
    private static byte[] Vector(params byte[][] items)
    {
        var writer = new TlsWriter();
        writer.WriteVector(items, static (w, i) => w.WriteBytes(i));
        return writer.ToArray();
    }

    private static byte[] RefVector(params byte[][] refs)
    {
        var writer = new TlsWriter();
        writer.WriteVector(refs, static (w, r) => w.WriteOpaque(r));
        return writer.ToArray();
    }

    [Fact]
    public void AppendBatchIsAllOrNothingAndRevokeNeedsKnownRefs()
    {
        using var scenario = new DaveGroupScenario();
        var group = scenario.Found(1);
        scenario.Recognized.UnionWith([2, 3]);
        var (a, refA) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, KeyPackageBundle.Create(MlsIdentity.Generate(2)).Encoded);
        var (b, refB) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, KeyPackageBundle.Create(MlsIdentity.Generate(3)).Encoded);
        var (stranger, _) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, KeyPackageBundle.Create(MlsIdentity.Generate(99)).Encoded);

        Assert.ThrowsAny<MlsException>(() => group.ProcessProposals(Vector(a, stranger), scenario.Recognized.Contains));
        Assert.Empty(group.PendingProposals);
        Assert.ThrowsAny<MlsException>(() => group.ProcessProposals(Vector(), scenario.Recognized.Contains));

        var refs = group.ProcessProposals(Vector(a, b), scenario.Recognized.Contains);
        Assert.Equal([refA, refB], refs);
        Assert.ThrowsAny<MlsException>(() => group.RevokeProposals(RefVector(refA, new byte[32])));
        Assert.Equal(2, group.PendingProposals.Count);
        group.RevokeProposals(RefVector(refA));
        Assert.Equal(refB, Assert.Single(group.PendingProposals).Reference);
    }

    [Fact]
    public void CommitAndWelcomeCanBeSplitAndTheExternalSenderChecked()
    {
        using var scenario = new DaveGroupScenario();
        var group = scenario.Found(1);
        scenario.Recognized.Add(2);
        var bundle = KeyPackageBundle.Create(MlsIdentity.Generate(2));
        group.ProcessProposals(Vector(ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, bundle.Encoded).Message), scenario.Recognized.Contains);
        var output = group.CreateCommit();
        byte[] op28 = [.. output.Commit, .. output.Welcome!];
        var commit = MlsMessage.DecodePrefix(op28, out var consumed);
        Assert.Equal(output.Commit.Length, consumed);
        Assert.Equal(ContentType.Commit, commit.PublicMessage!.Content.Content.ContentType);
        Assert.Equal([0x00, 0x02], op28[consumed..(consumed + 2)]);

        var joined = MlsGroup.Join(op28.AsSpan(consumed), bundle, expectedExternalSender: scenario.ExternalSender);
        Assert.Equal(1ul, joined.Epoch);
        using var otherDeliveryService = SignatureKeyPair.Generate();
        var wrongSender = ExternalProposals.CreateSender(otherDeliveryService, [1]);
        Assert.ThrowsAny<MlsException>(() => MlsGroup.Join(op28.AsSpan(consumed), bundle, expectedExternalSender: wrongSender));
    }
}
