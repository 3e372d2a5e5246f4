namespace Chorus.Mls.Group;

/// <summary>A member of the current epoch: leaf index and, for DAVE credentials, the user id.</summary>
/// <param name="LeafIndex">The member's leaf index.</param>
/// <param name="UserId">The Discord user id from an 8-byte basic credential; null for other credentials.</param>
/// <param name="SignatureKey">The member's signature public key.</param>
public readonly record struct GroupMember(uint LeafIndex, ulong? UserId, byte[] SignatureKey);
