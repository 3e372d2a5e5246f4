using Chorus.Mls.Crypto;
using Chorus.Mls.Tree;

namespace Chorus.Mls.KeySchedule;

/// <summary>
/// Secret tree (RFC 9420 §9) for PrivateMessage keys. DAVE never sends PrivateMessages; this exists for conformance and
/// because its DeriveTreeSecret ratchet is the one DAVE's media keys reuse.
/// </summary>
internal sealed class SecretTree
{
    private readonly byte[] _encryptionSecret;
    private readonly uint _leafCount;

    public SecretTree(byte[] encryptionSecret, uint leafCount)
    {
        _encryptionSecret = encryptionSecret;
        _leafCount = leafCount;
    }

    public byte[] LeafSecret(uint leafIndex)
    {
        var target = TreeMath.LeafToNode(leafIndex);
        var node = TreeMath.Root(_leafCount);
        var secret = _encryptionSecret;
        while (node != target)
        {
            var left = TreeMath.Left(node);
            var goLeft = target < node;
            secret = CipherSuite.ExpandWithLabel(secret, "tree", goLeft ? "left"u8 : "right"u8, CipherSuite.HashLength);
            node = goLeft ? left : TreeMath.Right(node);
        }

        return secret;
    }

    /// <summary>(key, nonce) of generation <paramref name="generation"/> of the handshake or application ratchet.</summary>
    public (byte[] Key, byte[] Nonce) RatchetKey(uint leafIndex, bool handshake, uint generation)
    {
        var secret = CipherSuite.ExpandWithLabel(LeafSecret(leafIndex), handshake ? "handshake" : "application", [], CipherSuite.HashLength);
        for (uint g = 0; g < generation; g++)
        {
            secret = CipherSuite.DeriveTreeSecret(secret, "secret", g, CipherSuite.HashLength);
        }

        return (CipherSuite.DeriveTreeSecret(secret, "key", generation, CipherSuite.KeyLength),
                CipherSuite.DeriveTreeSecret(secret, "nonce", generation, CipherSuite.NonceLength));
    }

    public static (byte[] Key, byte[] Nonce) SenderDataKeyAndNonce(ReadOnlySpan<byte> senderDataSecret, ReadOnlySpan<byte> ciphertext)
    {
        var sample = ciphertext[..Math.Min(ciphertext.Length, CipherSuite.HashLength)];
        return (CipherSuite.ExpandWithLabel(senderDataSecret, "key", sample, CipherSuite.KeyLength),
                CipherSuite.ExpandWithLabel(senderDataSecret, "nonce", sample, CipherSuite.NonceLength));
    }
}
