using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Group;

/// <summary>A KeyPackage together with the private keys needed to join with it. Use each bundle once.</summary>
public sealed class KeyPackageBundle
{
    private KeyPackageBundle(MlsIdentity identity, KeyPackage keyPackage, HpkeKeyPair initKey, HpkeKeyPair leafKey)
    {
        Identity = identity;
        KeyPackage = keyPackage;
        InitKey = initKey;
        LeafKey = leafKey;
        Encoded = Tls.Encode(keyPackage);
        Reference = CipherSuite.KeyPackageRef(Encoded);
    }

    internal MlsIdentity Identity { get; }

    internal KeyPackage KeyPackage { get; }

    internal HpkeKeyPair InitKey { get; }

    internal HpkeKeyPair LeafKey { get; }

    /// <summary>The bare TLS KeyPackage, as DAVE sends it in op 26.</summary>
    public byte[] Encoded { get; }

    /// <summary>The KeyPackageRef (RFC 9420 §5.2): the hash a Welcome uses to name this key package.</summary>
    public byte[] Reference { get; }

    /// <summary>
    /// A DAVE v1 key package: basic credential with the 8-byte big-endian user id, capabilities exactly
    /// versions [1], suites [2], credentials [basic], lifetime 0..2^64-1, no extensions, fresh init and leaf keys.
    /// </summary>
    public static KeyPackageBundle Create(MlsIdentity identity)
    {
        var initKey = HpkeKeyPair.Generate();
        var leafKey = HpkeKeyPair.Generate();
        var leaf = new LeafNode
        {
            EncryptionKey = leafKey.PublicKey,
            SignatureKey = identity.SignatureKey.PublicKey,
            Credential = Credential.ForUser(identity.UserId),
            Capabilities = Capabilities.Dave(),
            Source = LeafNodeSource.KeyPackage,
            NotBefore = 0,
            NotAfter = ulong.MaxValue,
        };
        leaf.Sign(identity.SignatureKey, [], 0);
        var keyPackage = new KeyPackage { InitKey = initKey.PublicKey, LeafNode = leaf };
        keyPackage.Sign(identity.SignatureKey);
        return new KeyPackageBundle(identity, keyPackage, initKey, leafKey);
    }

    /// <summary>Wraps an existing key package and its private keys (conformance tests).</summary>
    internal static KeyPackageBundle FromExisting(MlsIdentity identity, KeyPackage keyPackage, HpkeKeyPair initKey, HpkeKeyPair leafKey) =>
        new(identity, keyPackage, initKey, leafKey);
}
