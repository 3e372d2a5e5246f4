namespace Chorus.Mls.Messages;

public enum ContentType : byte
{
    Application = 1,
    Proposal = 2,
    Commit = 3,
}
