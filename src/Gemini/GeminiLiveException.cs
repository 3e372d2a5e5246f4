namespace Chorus.Gemini;

/// <summary>A connect, setup or session failure, classified. Messages never contain the key or the URL query.</summary>
public sealed class GeminiLiveException : Exception
{
    /// <summary>A classified failure.</summary>
    /// <param name="kind">What kind of failure this is; decides whether a retry can help.</param>
    /// <param name="message">A message free of secrets (no key, no URL query).</param>
    /// <param name="closeCode">The WebSocket close code, when the server closed.</param>
    /// <param name="closeReason">The WebSocket close reason text, when the server closed.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public GeminiLiveException(GeminiFailureKind kind, string message, int? closeCode = null, string? closeReason = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        CloseCode = closeCode;
        CloseReason = closeReason;
    }

    /// <summary>A transient failure with a generic message.</summary>
    public GeminiLiveException()
        : this(GeminiFailureKind.Transient, "Gemini Live failure.")
    {
    }

    /// <summary>A transient failure.</summary>
    /// <param name="message">A message free of secrets.</param>
    public GeminiLiveException(string message)
        : this(GeminiFailureKind.Transient, message)
    {
    }

    /// <summary>A transient failure caused by another exception.</summary>
    /// <param name="message">A message free of secrets.</param>
    /// <param name="innerException">The underlying exception.</param>
    public GeminiLiveException(string message, Exception innerException)
        : this(GeminiFailureKind.Transient, message, inner: innerException)
    {
    }

    /// <summary>What kind of failure this is.</summary>
    public GeminiFailureKind Kind { get; }

    /// <summary>The WebSocket close code the server sent, or null when the connection did not close cleanly.</summary>
    public int? CloseCode { get; }

    /// <summary>The WebSocket close reason the server sent, or null.</summary>
    public string? CloseReason { get; }

    /// <summary>True when retrying cannot help: invalid credentials, an unusable model or a request the server will never accept.</summary>
    public bool IsFatal => GeminiCloseClassifier.IsFatal(Kind);
}
