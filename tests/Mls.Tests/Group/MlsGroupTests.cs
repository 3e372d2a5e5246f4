using Chorus.Mls.Group;

namespace Chorus.Mls.Tests.Group;

public sealed class MlsGroupTests
{
    [Fact]
    public void TwoMembersAgreeAfterAddCommitAndWelcome()
    {
        using var scenario = new DaveGroupScenario();
        var founder = scenario.Found(1001);
        var soloExport = founder.Export(DaveGroupScenario.FramesLabel, DaveGroupScenario.UserContext(1001), 16);
        var (commit, welcome) = scenario.Add(1001, 2002);
        Assert.NotNull(welcome);
        scenario.AssertAgreement();
        Assert.Equal(1ul, scenario.Members[2002].Epoch);
        Assert.Equal(1u, scenario.Members[2002].OwnLeafIndex);
        Assert.Equal(0u, scenario.Members[1001].OwnLeafIndex);
        Assert.NotEqual(soloExport, scenario.Members[1001].Export(DaveGroupScenario.FramesLabel, DaveGroupScenario.UserContext(1001), 16));
        Assert.Equal(32, scenario.Members[1001].EpochAuthenticator.Length);
        // davey omits the UpdatePath on add-only commits: presence byte 0 right before the signature.
        Assert.True(commit.Length < 260, $"add-only commit unexpectedly large ({commit.Length} bytes)");
    }

    [Fact]
    public void ThirdMemberJoinsThroughAnotherCommitterAndAllAgree()
    {
        using var scenario = new DaveGroupScenario();
        scenario.Found(1);
        scenario.Add(1, 2);
        scenario.Add(2, 3);
        scenario.AssertAgreement();
        Assert.Equal(2ul, scenario.Epoch);
        Assert.Equal([0u, 1u, 2u], scenario.Members[3].Members.Select(m => m.LeafIndex));
    }

    [Fact]
    public void RemovedMemberLeavesAndTheRestAgreeOnANewEpoch()
    {
        using var scenario = new DaveGroupScenario();
        scenario.Found(1);
        scenario.Add(1, 2, 3);
        var authenticatorBefore = scenario.Members[1].EpochAuthenticator;
        scenario.Remove(3, 2);
        scenario.AssertAgreement();
        Assert.Equal(2ul, scenario.Epoch);
        Assert.NotEqual(authenticatorBefore, scenario.Members[1].EpochAuthenticator);
        Assert.Equal([1ul, 3ul], scenario.Members[1].Members.Select(m => m.UserId!.Value).Order());
        scenario.Add(1, 4);
        scenario.AssertAgreement();
        Assert.Equal(1u, scenario.Members[4].OwnLeafIndex);
    }

    [Fact]
    public void GroupOfTenWithUpdatePathsAndRemovalsStaysInSync()
    {
        using var scenario = new DaveGroupScenario(options: new MlsGroupOptions { AlwaysIncludePath = true });
        scenario.Found(100);
        for (ulong user = 101; user < 110; user++)
        {
            var committer = scenario.Members.Keys.Max();
            scenario.Add(committer, user);
        }

        scenario.AssertAgreement();
        scenario.Remove(105, 100, 107);
        scenario.AssertAgreement();
        scenario.Add(103, 200, 201, 202);
        scenario.AssertAgreement();
        Assert.Equal(11, scenario.Members.Count);
    }

    [Fact]
    public void RevokedProposalIsNotCommitted()
    {
        using var scenario = new DaveGroupScenario();
        var founder = scenario.Found(1);
        scenario.Recognized.Add(2);
        scenario.Recognized.Add(3);
        var kp2 = KeyPackageBundle.Create(MlsIdentity.Generate(2));
        var kp3 = KeyPackageBundle.Create(MlsIdentity.Generate(3));
        var (p2, ref2) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, kp2.Encoded);
        var (p3, _) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, kp3.Encoded);
        Assert.Equal(ref2, founder.ProcessProposal(p2, scenario.Recognized.Contains));
        founder.ProcessProposal(p3, scenario.Recognized.Contains);
        Assert.True(founder.RevokeProposal(ref2));
        Assert.False(founder.RevokeProposal(ref2));
        var output = founder.CreateCommit();
        var next = founder.ProcessCommit(output.Commit);
        Assert.Equal([1ul, 3ul], next.Members.Select(m => m.UserId!.Value));
        Assert.Throws<MlsException>(() => MlsGroup.Join(output.Welcome!, kp2));
        Assert.Equal(next.EpochAuthenticator, MlsGroup.Join(output.Welcome!, kp3).EpochAuthenticator);
    }

    [Fact]
    public void ExternalSenderIsExposedToJoiners()
    {
        using var scenario = new DaveGroupScenario();
        scenario.Found(1);
        scenario.Add(1, 2);
        var senders = scenario.Members[2].ExternalSenders;
        Assert.Single(senders);
        Assert.Equal(scenario.DeliveryServiceKey.PublicKey, senders[0].SignatureKey);
    }
}
