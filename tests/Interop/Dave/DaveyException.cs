namespace Chorus.Interop.Dave;

/// <summary>An error reported by the davey peer script.</summary>
internal sealed class DaveyException(string message) : Exception(message);
