using Chorus.Mls.Crypto;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Group;

/// <summary>Hostile input is rejected with an <see cref="MlsException"/> and never disturbs the group state.</summary>
public sealed class RejectionTests
{
    private static void AssertRejected(Action action)
    {
        try
        {
            action();
        }
        catch (MlsException)
        {
            return;
        }

        Assert.Fail("Hostile input was accepted.");
    }

    [Fact]
    public void ProposalSignedByAnotherKeyIsRejected()
    {
        using var scenario = new DaveGroupScenario();
        var group = scenario.Found(1);
        scenario.Recognized.Add(2);
        using var impostor = SignatureKeyPair.Generate();
        var (proposal, _) = ExternalProposals.Add(impostor, scenario.GroupId, 0, KeyPackageBundle.Create(MlsIdentity.Generate(2)).Encoded);
        AssertRejected(() => group.ProcessProposal(proposal, scenario.Recognized.Contains));
        Assert.Empty(group.PendingProposals);
    }

    [Fact]
    public void ProposalForWrongEpochOrGroupOrSenderIsRejected()
    {
        using var scenario = new DaveGroupScenario();
        var group = scenario.Found(1);
        scenario.Recognized.Add(2);
        var kp = KeyPackageBundle.Create(MlsIdentity.Generate(2)).Encoded;
        AssertRejected(() => group.ProcessProposal(ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 1, kp).Message, scenario.Recognized.Contains));
        AssertRejected(() => group.ProcessProposal(ExternalProposals.Add(scenario.DeliveryServiceKey, [9, 9, 9, 9, 9, 9, 9, 9], 0, kp).Message, scenario.Recognized.Contains));
        var add = Proposal.Add(Chorus.Mls.Codec.Tls.Decode(kp, KeyPackage.Read));
        AssertRejected(() => group.ProcessProposal(ExternalProposals.Create(scenario.DeliveryServiceKey, scenario.GroupId, 0, add, senderIndex: 1).Message, scenario.Recognized.Contains));
        Assert.Empty(group.PendingProposals);
    }

    [Fact]
    public void AddForUnrecognizedUserIsRejected()
    {
        using var scenario = new DaveGroupScenario();
        var group = scenario.Found(1);
        var (proposal, _) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, KeyPackageBundle.Create(MlsIdentity.Generate(77)).Encoded);
        AssertRejected(() => group.ProcessProposal(proposal, scenario.Recognized.Contains));
        Assert.Empty(group.PendingProposals);
    }

    [Fact]
    public void RemoveOfBlankLeafIsRejected()
    {
        using var scenario = new DaveGroupScenario();
        var group = scenario.Found(1);
        AssertRejected(() => group.ProcessProposal(ExternalProposals.Remove(scenario.DeliveryServiceKey, scenario.GroupId, 0, 5).Message));
        AssertRejected(() => group.ProcessProposal(ExternalProposals.Remove(scenario.DeliveryServiceKey, scenario.GroupId, 0, uint.MaxValue).Message));
    }

    [Fact]
    public void TruncatedAndCorruptedProposalsNeverCrash()
    {
        using var scenario = new DaveGroupScenario();
        var group = scenario.Found(1);
        scenario.Recognized.Add(2);
        var (proposal, _) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, KeyPackageBundle.Create(MlsIdentity.Generate(2)).Encoded);
        for (var length = 0; length < proposal.Length; length++)
        {
            AssertRejected(() => group.ProcessProposal(proposal.AsSpan(0, length), scenario.Recognized.Contains));
        }

        var random = new Random(1234);
        for (var i = 0; i < proposal.Length; i++)
        {
            var corrupted = proposal.ToArray();
            corrupted[i] ^= (byte)(1 << random.Next(8));
            AssertRejected(() => group.ProcessProposal(corrupted, scenario.Recognized.Contains));
        }

        Assert.Empty(group.PendingProposals);
        group.ProcessProposal(proposal, scenario.Recognized.Contains);
        Assert.Single(group.PendingProposals);
    }

    [Fact]
    public void CorruptedCommitsAreRejectedAndTheRealOneStillApplies()
    {
        using var scenario = new DaveGroupScenario();
        scenario.Found(1);
        scenario.Add(1, 2, 3);
        var kp = KeyPackageBundle.Create(MlsIdentity.Generate(4));
        scenario.Recognized.Add(4);
        var (proposal, _) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 1, kp.Encoded);
        var remove = ExternalProposals.Remove(scenario.DeliveryServiceKey, scenario.GroupId, 1, 2).Message;
        foreach (var member in scenario.Members.Values)
        {
            member.ProcessProposal(proposal, scenario.Recognized.Contains);
            member.ProcessProposal(remove, scenario.Recognized.Contains);
        }

        var output = scenario.Members[1].CreateCommit();
        var receiver = scenario.Members[2];
        for (var length = 0; length < output.Commit.Length; length += 7)
        {
            AssertRejected(() => receiver.ProcessCommit(output.Commit.AsSpan(0, length)));
        }

        var random = new Random(99);
        for (var i = 0; i < output.Commit.Length; i++)
        {
            var corrupted = output.Commit.ToArray();
            corrupted[i] ^= (byte)(1 << random.Next(8));
            AssertRejected(() => receiver.ProcessCommit(corrupted));
        }

        var next = receiver.ProcessCommit(output.Commit);
        Assert.Equal(output.NextEpoch.EpochAuthenticator, next.EpochAuthenticator);
    }

    [Fact]
    public void CommitForWrongGroupOrEpochIsRejected()
    {
        using var first = new DaveGroupScenario(channelId: 1);
        first.Found(1);
        first.Add(1, 2);
        using var second = new DaveGroupScenario(channelId: 2);
        second.Found(1);
        second.Add(1, 2);
        second.Recognized.Add(3);
        var (proposal, _) = ExternalProposals.Add(second.DeliveryServiceKey, second.GroupId, 1, KeyPackageBundle.Create(MlsIdentity.Generate(3)).Encoded);
        second.Members[1].ProcessProposal(proposal, second.Recognized.Contains);
        var foreignCommit = second.Members[1].CreateCommit().Commit;
        AssertRejected(() => first.Members[2].ProcessCommit(foreignCommit));

        var stale = first.Members[2];
        first.Add(1, 3);
        var lateCommit = first.Add(1, 4).Commit;
        AssertRejected(() => stale.ProcessCommit(lateCommit));
    }

    [Fact]
    public void CommitReferencingUnknownProposalIsRejected()
    {
        using var scenario = new DaveGroupScenario();
        scenario.Found(1);
        scenario.Add(1, 2);
        scenario.Recognized.Add(3);
        var (proposal, _) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 1, KeyPackageBundle.Create(MlsIdentity.Generate(3)).Encoded);
        scenario.Members[1].ProcessProposal(proposal, scenario.Recognized.Contains);
        var commit = scenario.Members[1].CreateCommit().Commit;
        AssertRejected(() => scenario.Members[2].ProcessCommit(commit));
    }

    [Fact]
    public void CorruptedOrForeignWelcomeIsRejected()
    {
        using var scenario = new DaveGroupScenario();
        var founder = scenario.Found(1);
        scenario.Recognized.Add(2);
        var bundle = KeyPackageBundle.Create(MlsIdentity.Generate(2));
        founder.ProcessProposal(ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, bundle.Encoded).Message, scenario.Recognized.Contains);
        var welcome = founder.CreateCommit().Welcome!;
        AssertRejected(() => MlsGroup.Join(welcome, KeyPackageBundle.Create(MlsIdentity.Generate(2))));
        for (var length = 0; length < welcome.Length; length += 5)
        {
            AssertRejected(() => MlsGroup.Join(welcome.AsSpan(0, length), bundle));
        }

        // Every byte of a Welcome is a length, the suite, our key package reference or AEAD-protected: one flipped
        // bit anywhere must be refused (an accepted corruption would join a group the sender never made).
        var random = new Random(7);
        for (var i = 0; i < welcome.Length; i++)
        {
            var corrupted = welcome.ToArray();
            corrupted[i] ^= (byte)(1 << random.Next(8));
            AssertRejected(() => MlsGroup.Join(corrupted, bundle));
        }

        Assert.Equal(1ul, MlsGroup.Join(welcome, bundle).Epoch);
    }

    [Fact]
    public void GarbageNeverCrashesDecoders()
    {
        var random = new Random(42);
        using var scenario = new DaveGroupScenario();
        var group = scenario.Found(1);
        var bundle = KeyPackageBundle.Create(MlsIdentity.Generate(2));
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(0, 300)];
            random.NextBytes(garbage);
            if (garbage.Length > 4 && i % 2 == 0)
            {
                garbage[0] = 0;
                garbage[1] = 1;
                garbage[2] = 0;
                garbage[3] = 1;
            }

            AssertRejected(() => group.ProcessProposal(garbage));
            AssertRejected(() => group.ProcessCommit(garbage));
            AssertRejected(() => MlsGroup.Join(garbage, bundle));
            AssertRejected(() => ExternalSender.Decode(garbage.AsSpan(0, Math.Min(garbage.Length, 3))));
        }
    }
}
