using Chorus.Mls.Messages;

namespace Chorus.Mls.Group;

/// <summary>A validated proposal waiting for a commit, with its ProposalRef.</summary>
public sealed record PendingProposal(Proposal Proposal, Sender Sender, byte[] Reference);
