using Chorus.Mls.Crypto;

namespace Chorus.Mls.Group;

/// <summary>A DAVE participant's MLS identity: its user id (basic credential) and signature key.</summary>
public sealed class MlsIdentity(ulong userId, SignatureKeyPair signatureKey)
{
    public ulong UserId { get; } = userId;

    public SignatureKeyPair SignatureKey { get; } = signatureKey;

    public static MlsIdentity Generate(ulong userId) => new(userId, SignatureKeyPair.Generate());
}
