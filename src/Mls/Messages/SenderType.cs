namespace Chorus.Mls.Messages;

/// <summary>SenderType (RFC 9420 §6): who sent a message.</summary>
public enum SenderType : byte
{
    /// <summary>A member, by leaf index (member = 1).</summary>
    Member = 1,
    /// <summary>An external sender from the external_senders extension, by index (external = 2); DAVE's delivery service.</summary>
    External = 2,
    /// <summary>A non-member proposing its own Add (new_member_proposal = 3).</summary>
    NewMemberProposal = 3,
    /// <summary>A non-member joining by external commit (new_member_commit = 4).</summary>
    NewMemberCommit = 4,
}
