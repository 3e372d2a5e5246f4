namespace Chorus.Mls.Codec;

/// <summary>A value with a canonical TLS encoding.</summary>
public interface ITlsWritable
{
    /// <summary>Appends this value's TLS presentation-language encoding (RFC 9420 §2.1) to <paramref name="writer"/>.</summary>
    void Write(TlsWriter writer);
}
