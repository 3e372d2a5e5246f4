using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>GroupInfo (RFC 9420 §12.4.3).</summary>
internal sealed class GroupInfo : ITlsWritable
{
    public required GroupContext GroupContext { get; init; }

    public List<Extension> Extensions { get; init; } = [];

    public required byte[] ConfirmationTag { get; init; }

    public uint Signer { get; init; }

    public byte[] Signature { get; set; } = [];

    private void WriteContent(TlsWriter writer)
    {
        GroupContext.Write(writer);
        Tls.WriteList(writer, Extensions);
        writer.WriteOpaque(ConfirmationTag);
        writer.WriteU32(Signer);
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

    public void Sign(SignatureKeyPair key) => Signature = CipherSuite.SignWithLabel(key, "GroupInfoTBS", ToBeSigned());

    public bool VerifySignature(ReadOnlySpan<byte> publicKey) => CipherSuite.VerifyWithLabel(publicKey, "GroupInfoTBS", ToBeSigned(), Signature);

    public static GroupInfo Read(ref TlsReader reader) => new()
    {
        GroupContext = GroupContext.Read(ref reader),
        Extensions = Extension.ReadList(ref reader),
        ConfirmationTag = reader.ReadOpaqueArray(),
        Signer = reader.ReadU32(),
        Signature = reader.ReadOpaqueArray(),
    };
}
