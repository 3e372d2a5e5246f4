namespace Chorus.Mls.Codec;

/// <summary>The bytes do not form a valid TLS-presentation-language value (truncated, overlong, trailing data, bad tag).</summary>
internal sealed class MlsDecodeException : MlsException
{
    public MlsDecodeException(string message) : base(message) { }

    public MlsDecodeException() { }

    public MlsDecodeException(string message, Exception inner) : base(message, inner) { }
}
