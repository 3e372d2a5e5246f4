namespace Chorus.Mls.Group;

/// <summary>A valid commit removed us from the group; the session must reset.</summary>
internal sealed class MlsRemovedFromGroupException : MlsException
{
    public MlsRemovedFromGroupException(string message) : base(message) { }

    public MlsRemovedFromGroupException() { }

    public MlsRemovedFromGroupException(string message, Exception inner) : base(message, inner) { }
}
