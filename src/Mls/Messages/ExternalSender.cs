using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>ExternalSender { SignaturePublicKey signature_key; Credential credential; } (RFC 9420 §12.1.8.1; DAVE op 25 payload).</summary>
public sealed class ExternalSender : ITlsWritable
{
    /// <summary>The external sender's signature public key (uncompressed P-256 point for DAVE).</summary>
    public required byte[] SignatureKey { get; init; }

    /// <summary>The external sender's credential.</summary>
    public required Credential Credential { get; init; }

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(SignatureKey);
        Credential.Write(writer);
    }

    /// <summary>Decodes one ExternalSender; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static ExternalSender Read(ref TlsReader reader) => new()
    {
        SignatureKey = reader.ReadOpaqueArray(),
        Credential = Credential.Read(ref reader),
    };

    /// <summary>Decodes an ExternalSender that spans all of <paramref name="data"/> (the DAVE op 25 payload); throws <see cref="MlsException"/> on malformed input or trailing bytes.</summary>
    public static ExternalSender Decode(ReadOnlySpan<byte> data) => Tls.Decode(data, Read);

    /// <summary>The external_senders group context extension holding exactly this sender.</summary>
    public Extension ToExtension()
    {
        var writer = new TlsWriter();
        writer.WriteVector(this, static (w, s) => s.Write(w));
        return new Extension(Extension.ExternalSenders, writer.ToArray());
    }
}
