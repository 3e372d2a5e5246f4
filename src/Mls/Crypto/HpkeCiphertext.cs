using Chorus.Mls.Codec;

namespace Chorus.Mls.Crypto;

/// <summary>HPKECiphertext { opaque kem_output&lt;V&gt;; opaque ciphertext&lt;V&gt;; }.</summary>
/// <param name="KemOutput">The HPKE encapsulated key (enc).</param>
/// <param name="Ciphertext">The AEAD ciphertext with its tag.</param>
public sealed record HpkeCiphertext(byte[] KemOutput, byte[] Ciphertext) : ITlsWritable
{
    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(KemOutput);
        writer.WriteOpaque(Ciphertext);
    }

    /// <summary>Decodes one HPKECiphertext; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static HpkeCiphertext Read(ref TlsReader reader) => new(reader.ReadOpaqueArray(), reader.ReadOpaqueArray());
}
