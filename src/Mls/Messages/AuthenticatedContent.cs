using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>AuthenticatedContent { WireFormat; FramedContent; FramedContentAuthData } (RFC 9420 §6.1).</summary>
internal sealed class AuthenticatedContent : ITlsWritable
{
    public WireFormat WireFormat { get; init; } = WireFormat.PublicMessage;

    public required FramedContent Content { get; init; }

    public byte[] Signature { get; set; } = [];

    /// <summary>Present only for commits.</summary>
    public byte[]? ConfirmationTag { get; set; }

    public void Write(TlsWriter writer)
    {
        writer.WriteU16((ushort)WireFormat);
        Content.Write(writer);
        WriteAuth(writer);
    }

    public void WriteAuth(TlsWriter writer)
    {
        writer.WriteOpaque(Signature);
        if (Content.ContentType == ContentType.Commit)
        {
            writer.WriteOpaque(ConfirmationTag ?? throw new MlsException("Commit without confirmation tag."));
        }
    }

    public static AuthenticatedContent Read(ref TlsReader reader)
    {
        var wireFormat = (WireFormat)reader.ReadU16();
        var content = FramedContent.Read(ref reader);
        var result = new AuthenticatedContent { WireFormat = wireFormat, Content = content };
        result.ReadAuth(ref reader);
        return result;
    }

    public void ReadAuth(ref TlsReader reader)
    {
        Signature = reader.ReadOpaqueArray();
        if (Content.ContentType == ContentType.Commit)
        {
            ConfirmationTag = reader.ReadOpaqueArray();
        }
    }

    public void Sign(SignatureKeyPair key, GroupContext? context) =>
        Signature = CipherSuite.SignWithLabel(key, "FramedContentTBS", Content.ToBeSigned(WireFormat, context));

    public bool VerifySignature(ReadOnlySpan<byte> publicKey, GroupContext? context) =>
        CipherSuite.VerifyWithLabel(publicKey, "FramedContentTBS", Content.ToBeSigned(WireFormat, context), Signature);

    /// <summary>AuthenticatedContentTBM = FramedContentTBS ‖ FramedContentAuthData, the membership tag input.</summary>
    public byte[] ToBeMaced(GroupContext context)
    {
        var writer = new TlsWriter();
        Content.WriteToBeSigned(writer, WireFormat, context);
        WriteAuth(writer);
        return writer.ToArray();
    }

    /// <summary>ConfirmedTranscriptHashInput { wire_format; content; signature }.</summary>
    public byte[] ConfirmedTranscriptHashInput()
    {
        var writer = new TlsWriter();
        writer.WriteU16((ushort)WireFormat);
        Content.Write(writer);
        writer.WriteOpaque(Signature);
        return writer.ToArray();
    }

    public byte[] ProposalReference() => CipherSuite.ProposalRef(Tls.Encode(this));
}
