using Chorus.Mls.Crypto;

namespace Chorus.Mls.Group;

/// <summary>A DAVE participant's MLS identity: its user id (basic credential) and signature key.</summary>
public sealed class MlsIdentity(ulong userId, SignatureKeyPair signatureKey)
{
    /// <summary>The Discord user id, carried as the basic credential's identity.</summary>
    public ulong UserId { get; } = userId;

    /// <summary>The key this participant signs its leaf and messages with.</summary>
    public SignatureKeyPair SignatureKey { get; } = signatureKey;

    /// <summary>An identity for <paramref name="userId"/> with a fresh signature key.</summary>
    public static MlsIdentity Generate(ulong userId) => new(userId, SignatureKeyPair.Generate());
}
