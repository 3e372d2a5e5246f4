using Chorus.Mls.Messages;

namespace Chorus.Mls.Group;

/// <summary>
/// What a delivery service (the DAVE role of Discord's voice gateway, or its emulator) can see in a commit without group keys: group, epoch,
/// committer leaf, referenced proposals and whether it carries an UpdatePath.
/// </summary>
/// <param name="GroupId">The group id.</param>
/// <param name="Epoch">The epoch the commit was made in.</param>
/// <param name="CommitterLeaf">The leaf index of the committing member.</param>
/// <param name="ProposalRefs">The ProposalRefs the commit references, in order.</param>
/// <param name="HasInlineProposals">True when the commit carries proposals inline (DAVE forbids them).</param>
/// <param name="HasPath">True when the commit carries an UpdatePath.</param>
public sealed record CommitSummary(byte[] GroupId, ulong Epoch, uint CommitterLeaf, IReadOnlyList<byte[]> ProposalRefs, bool HasInlineProposals, bool HasPath)
{
    /// <summary>Parses a PublicMessage commit; throws <see cref="MlsException"/> for anything else.</summary>
    public static CommitSummary Parse(ReadOnlySpan<byte> mlsMessage) => FromMessage(MlsMessage.Decode(mlsMessage));

    internal static CommitSummary FromMessage(MlsMessage message)
    {
        var framed = message.PublicMessage?.Content.Content ?? throw new MlsException("Commit must be a PublicMessage.");
        if (framed.ContentType != ContentType.Commit || framed.Commit is not { } commit || framed.Sender.Type != SenderType.Member)
        {
            throw new MlsException("Not a member commit.");
        }

        return new CommitSummary(
            framed.GroupId,
            framed.Epoch,
            framed.Sender.Index,
            commit.Proposals.Where(p => p.Reference is not null).Select(p => p.Reference!).ToList(),
            commit.Proposals.Any(p => p.Proposal is not null),
            commit.Path is not null);
    }

    /// <summary>DAVE delivery-service rule: at least one reference, no inline proposals, and exactly the given set of unrevoked proposal refs.</summary>
    public bool ReferencesExactly(IReadOnlyCollection<byte[]> pending)
    {
        if (HasInlineProposals || ProposalRefs.Count == 0 || ProposalRefs.Count != pending.Count)
        {
            return false;
        }

        var expected = pending.Select(Convert.ToHexString).ToHashSet();
        return ProposalRefs.Select(Convert.ToHexString).Distinct().Count() == ProposalRefs.Count &&
               ProposalRefs.All(r => expected.Contains(Convert.ToHexString(r)));
    }
}
