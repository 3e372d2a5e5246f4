using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>LeafNode (RFC 9420 §7.2).</summary>
public sealed class LeafNode : ITlsWritable
{
    /// <summary>The leaf's HPKE public key.</summary>
    public required byte[] EncryptionKey { get; set; }

    /// <summary>The member's signature public key.</summary>
    public required byte[] SignatureKey { get; init; }

    /// <summary>The member's credential (DAVE: basic, 8-byte user id).</summary>
    public required Credential Credential { get; init; }

    /// <summary>What the member's client supports.</summary>
    public required Capabilities Capabilities { get; init; }

    /// <summary>How this leaf node was created, which decides the fields that follow it.</summary>
    public LeafNodeSource Source { get; set; }

    internal ulong NotBefore { get; init; }

    internal ulong NotAfter { get; init; }

    internal byte[] ParentHash { get; set; } = [];

    /// <summary>Leaf node extensions (none in DAVE).</summary>
    public List<Extension> Extensions { get; init; } = [];

    internal byte[] Signature { get; set; } = [];

    private void WriteContent(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteOpaque(SignatureKey);
        Credential.Write(writer);
        Capabilities.Write(writer);
        writer.WriteU8((byte)Source);
        switch (Source)
        {
            case LeafNodeSource.KeyPackage:
                writer.WriteU64(NotBefore);
                writer.WriteU64(NotAfter);
                break;
            case LeafNodeSource.Commit:
                writer.WriteOpaque(ParentHash);
                break;
        }

        Tls.WriteList(writer, Extensions);
    }

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        WriteContent(writer);
        writer.WriteOpaque(Signature);
    }

    internal byte[] ToBeSigned(ReadOnlySpan<byte> groupId, uint leafIndex)
    {
        var writer = new TlsWriter();
        WriteContent(writer);
        if (Source is LeafNodeSource.Update or LeafNodeSource.Commit)
        {
            writer.WriteOpaque(groupId);
            writer.WriteU32(leafIndex);
        }

        return writer.ToArray();
    }

    internal void Sign(SignatureKeyPair key, ReadOnlySpan<byte> groupId, uint leafIndex) =>
        Signature = CipherSuite.SignWithLabel(key, "LeafNodeTBS", ToBeSigned(groupId, leafIndex));

    internal bool VerifySignature(ReadOnlySpan<byte> groupId, uint leafIndex) =>
        CipherSuite.VerifyWithLabel(SignatureKey, "LeafNodeTBS", ToBeSigned(groupId, leafIndex), Signature);

    /// <summary>Decodes one LeafNode; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static LeafNode Read(ref TlsReader reader)
    {
        var encryptionKey = reader.ReadOpaqueArray();
        var signatureKey = reader.ReadOpaqueArray();
        var credential = Credential.Read(ref reader);
        var capabilities = Capabilities.Read(ref reader);
        var source = (LeafNodeSource)reader.ReadU8();
        ulong notBefore = 0, notAfter = 0;
        byte[] parentHash = [];
        switch (source)
        {
            case LeafNodeSource.KeyPackage:
                notBefore = reader.ReadU64();
                notAfter = reader.ReadU64();
                break;
            case LeafNodeSource.Update:
                break;
            case LeafNodeSource.Commit:
                parentHash = reader.ReadOpaqueArray();
                break;
            default:
                throw new MlsDecodeException($"Invalid leaf node source {(byte)source}.");
        }

        return new LeafNode
        {
            EncryptionKey = encryptionKey,
            SignatureKey = signatureKey,
            Credential = credential,
            Capabilities = capabilities,
            Source = source,
            NotBefore = notBefore,
            NotAfter = notAfter,
            ParentHash = parentHash,
            Extensions = Extension.ReadList(ref reader),
            Signature = reader.ReadOpaqueArray(),
        };
    }

    /// <summary>A deep copy, made by encoding and decoding.</summary>
    public LeafNode Clone() => Tls.Decode(Tls.Encode(this), Read);
}
