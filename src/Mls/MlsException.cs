namespace Chorus.Mls;

/// <summary>Raised for any malformed, unauthenticated or unsupported MLS input; callers drop the message and keep running.</summary>
public class MlsException : Exception
{
    public MlsException(string message) : base(message) { }

    public MlsException(string message, Exception inner) : base(message, inner) { }

    public MlsException() { }
}
