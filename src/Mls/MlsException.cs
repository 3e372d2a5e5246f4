namespace Chorus.Mls;

/// <summary>Raised for any malformed, unauthenticated or unsupported MLS input; callers drop the message and keep running.</summary>
public class MlsException : Exception
{
    /// <summary>A rejection described by <paramref name="message"/>.</summary>
    /// <param name="message">What was wrong with the input.</param>
    public MlsException(string message) : base(message) { }

    /// <summary>A rejection caused by another exception.</summary>
    /// <param name="message">What was wrong with the input.</param>
    /// <param name="inner">The underlying exception.</param>
    public MlsException(string message, Exception inner) : base(message, inner) { }

    /// <summary>A rejection without details.</summary>
    public MlsException() { }
}
