namespace Chorus.Mls.Group;

/// <summary>A commit we created: the MLSMessage to send, the bare Welcome (when members were added) and the group state once it is accepted.</summary>
public sealed record CommitOutput(byte[] Commit, byte[]? Welcome, MlsGroup NextEpoch);
