namespace Chorus.Mls.Group;

/// <summary>A commit we created: the MLSMessage to send, the bare Welcome (when members were added) and the group state once it is accepted.</summary>
/// <param name="Commit">The commit as an MLSMessage (PublicMessage), to send.</param>
/// <param name="Welcome">The bare Welcome for the added members; null when the commit adds nobody.</param>
/// <param name="NextEpoch">The group in the next epoch, to use once the delivery service confirms this commit.</param>
public sealed record CommitOutput(byte[] Commit, byte[]? Welcome, MlsGroup NextEpoch);
