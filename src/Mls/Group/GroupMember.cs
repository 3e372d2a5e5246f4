namespace Chorus.Mls.Group;

/// <summary>A member of the current epoch: leaf index and, for DAVE credentials, the user id.</summary>
public readonly record struct GroupMember(uint LeafIndex, ulong? UserId, byte[] SignatureKey);
