namespace Chorus.Mls.Codec;

/// <summary>A value with a canonical TLS encoding.</summary>
public interface ITlsWritable
{
    void Write(TlsWriter writer);
}
