namespace Chorus.Mls;

/// <summary>Well-formed input that uses an MLS feature outside the DAVE profile (PSKs, ReInit, external commits, PrivateMessage...).</summary>
internal sealed class MlsUnsupportedException : MlsException
{
    public MlsUnsupportedException(string message) : base(message) { }

    public MlsUnsupportedException() { }

    public MlsUnsupportedException(string message, Exception inner) : base(message, inner) { }
}
