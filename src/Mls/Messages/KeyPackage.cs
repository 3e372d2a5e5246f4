using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>KeyPackage (RFC 9420 §10).</summary>
public sealed class KeyPackage : ITlsWritable
{
    /// <summary>ProtocolVersion (mls10 = 1).</summary>
    public ushort Version { get; init; } = CipherSuite.ProtocolVersion;

    internal ushort CipherSuiteId { get; init; } = CipherSuite.Id;

    /// <summary>The HPKE public key a Welcome's group secrets are encrypted to.</summary>
    public required byte[] InitKey { get; init; }

    /// <summary>The leaf node the member will occupy once added.</summary>
    public required LeafNode LeafNode { get; init; }

    /// <summary>KeyPackage extensions (none in DAVE).</summary>
    public List<Extension> Extensions { get; init; } = [];

    internal byte[] Signature { get; set; } = [];

    private void WriteContent(TlsWriter writer)
    {
        writer.WriteU16(Version);
        writer.WriteU16(CipherSuiteId);
        writer.WriteOpaque(InitKey);
        LeafNode.Write(writer);
        Tls.WriteList(writer, Extensions);
    }

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        WriteContent(writer);
        writer.WriteOpaque(Signature);
    }

    internal byte[] ToBeSigned()
    {
        var writer = new TlsWriter();
        WriteContent(writer);
        return writer.ToArray();
    }

    internal void Sign(SignatureKeyPair key) => Signature = CipherSuite.SignWithLabel(key, "KeyPackageTBS", ToBeSigned());

    /// <summary>The KeyPackageRef (RFC 9420 §5.2) of this key package's encoding.</summary>
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

    /// <summary>Decodes one KeyPackage; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
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
