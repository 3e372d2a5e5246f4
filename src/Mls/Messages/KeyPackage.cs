using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>KeyPackage (RFC 9420 §10).</summary>
public sealed class KeyPackage : ITlsWritable
{
    public ushort Version { get; init; } = CipherSuite.ProtocolVersion;

    public ushort CipherSuiteId { get; init; } = CipherSuite.Id;

    public required byte[] InitKey { get; init; }

    public required LeafNode LeafNode { get; init; }

    public List<Extension> Extensions { get; init; } = [];

    public byte[] Signature { get; set; } = [];

    private void WriteContent(TlsWriter writer)
    {
        writer.WriteU16(Version);
        writer.WriteU16(CipherSuiteId);
        writer.WriteOpaque(InitKey);
        LeafNode.Write(writer);
        Tls.WriteList(writer, Extensions);
    }

    public void Write(TlsWriter writer)
    {
        WriteContent(writer);
        writer.WriteOpaque(Signature);
    }

    public byte[] ToBeSigned()
    {
        var writer = new TlsWriter();
        WriteContent(writer);
        return writer.ToArray();
    }

    public void Sign(SignatureKeyPair key) => Signature = CipherSuite.SignWithLabel(key, "KeyPackageTBS", ToBeSigned());

    public byte[] Reference() => CipherSuite.KeyPackageRef(Tls.Encode(this));

    /// <summary>Checks what a group member must check before adding it (RFC 9420 §10.1), lifetimes excepted as DAVE does.</summary>
    public void Validate()
    {
        if (Version != CipherSuite.ProtocolVersion || CipherSuiteId != CipherSuite.Id)
        {
            throw new MlsException("KeyPackage version or cipher suite unsupported.");
        }

        if (LeafNode.Source != LeafNodeSource.KeyPackage)
        {
            throw new MlsException("KeyPackage leaf node source must be key_package.");
        }

        if (!CipherSuite.VerifyWithLabel(LeafNode.SignatureKey, "KeyPackageTBS", ToBeSigned(), Signature))
        {
            throw new MlsException("KeyPackage signature invalid.");
        }

        if (!LeafNode.VerifySignature([], 0))
        {
            throw new MlsException("KeyPackage leaf node signature invalid.");
        }

        if (InitKey.AsSpan().SequenceEqual(LeafNode.EncryptionKey))
        {
            throw new MlsException("KeyPackage init key equals the leaf encryption key.");
        }
    }

    public static KeyPackage Read(ref TlsReader reader) => new()
    {
        Version = reader.ReadU16(),
        CipherSuiteId = reader.ReadU16(),
        InitKey = reader.ReadOpaqueArray(),
        LeafNode = LeafNode.Read(ref reader),
        Extensions = Extension.ReadList(ref reader),
        Signature = reader.ReadOpaqueArray(),
    };
}
