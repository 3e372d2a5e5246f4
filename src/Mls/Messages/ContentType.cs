namespace Chorus.Mls.Messages;

/// <summary>ContentType of framed content (RFC 9420 §6).</summary>
public enum ContentType : byte
{
    /// <summary>Application data (application = 1).</summary>
    Application = 1,
    /// <summary>A proposal (proposal = 2).</summary>
    Proposal = 2,
    /// <summary>A commit (commit = 3).</summary>
    Commit = 3,
}
