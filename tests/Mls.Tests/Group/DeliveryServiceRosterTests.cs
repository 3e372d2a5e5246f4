using Chorus.Mls.Group;

namespace Chorus.Mls.Tests.Group;

/// <summary>The key-less delivery-service view agrees with what the members compute.</summary>
public sealed class DeliveryServiceRosterTests
{
    [Fact]
    public void RosterTracksLeafIndexesLikeTheMembers()
    {
        using var scenario = new DaveGroupScenario();
        scenario.Found(1);
        var roster = DeliveryServiceRoster.Founded(1);
        scenario.Add(1, 2, 3, 4);
        roster.ApplyCommit([], [2, 3, 4]);
        scenario.Remove(1, 2, 4);
        roster.ApplyCommit([1, 3], []);
        scenario.Add(3, 5, 6);
        var placed = roster.ApplyCommit([], [5, 6]);

        var members = scenario.Members[1].Members;
        Assert.Equal(scenario.Epoch, roster.Epoch);
        foreach (var member in members)
        {
            Assert.Equal(member.LeafIndex, roster.LeafOf(member.UserId!.Value));
        }

        Assert.Equal(1u, placed[5]);
        Assert.Equal(3u, placed[6]);
        Assert.Throws<MlsException>(() => roster.ApplyCommit([7], []));
    }

    [Fact]
    public void CommitSummaryShowsReferencesAndPath()
    {
        using var scenario = new DaveGroupScenario();
        var founder = scenario.Found(1);
        scenario.Recognized.Add(2);
        var (proposal, reference) = ExternalProposals.Add(scenario.DeliveryServiceKey, scenario.GroupId, 0, KeyPackageBundle.Create(MlsIdentity.Generate(2)).Encoded);
        founder.ProcessProposal(proposal, scenario.Recognized.Contains);
        var summary = CommitSummary.Parse(founder.CreateCommit().Commit);
        Assert.Equal(scenario.GroupId, summary.GroupId);
        Assert.Equal(0ul, summary.Epoch);
        Assert.Equal(0u, summary.CommitterLeaf);
        Assert.False(summary.HasPath);
        Assert.True(summary.ReferencesExactly([reference]));
        Assert.False(summary.ReferencesExactly([reference, new byte[32]]));
        Assert.False(summary.ReferencesExactly([]));
        Assert.Throws<MlsException>(() => CommitSummary.Parse(proposal));
    }
}
