using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>ExternalSender { SignaturePublicKey signature_key; Credential credential; } (RFC 9420 §12.1.8.1; DAVE op 25 payload).</summary>
public sealed class ExternalSender : ITlsWritable
{
    public required byte[] SignatureKey { get; init; }

    public required Credential Credential { get; init; }

    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(SignatureKey);
        Credential.Write(writer);
    }

    public static ExternalSender Read(ref TlsReader reader) => new()
    {
        SignatureKey = reader.ReadOpaqueArray(),
        Credential = Credential.Read(ref reader),
    };

    public static ExternalSender Decode(ReadOnlySpan<byte> data) => Tls.Decode(data, Read);

    /// <summary>The external_senders group context extension holding exactly this sender.</summary>
    public Extension ToExtension()
    {
        var writer = new TlsWriter();
        writer.WriteVector(this, static (w, s) => s.Write(w));
        return new Extension(Extension.ExternalSenders, writer.ToArray());
    }
}
