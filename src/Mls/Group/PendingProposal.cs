using Chorus.Mls.Messages;

namespace Chorus.Mls.Group;

/// <summary>A validated proposal waiting for a commit, with its ProposalRef.</summary>
/// <param name="Proposal">The proposal.</param>
/// <param name="Sender">Who sent it: a member or the external sender.</param>
/// <param name="Reference">Its ProposalRef (RFC 9420 §5.2), which commits and DAVE op 27 revocations use.</param>
public sealed record PendingProposal(Proposal Proposal, Sender Sender, byte[] Reference);
