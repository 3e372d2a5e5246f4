namespace Chorus.Gemini;

/// <summary>A connect, setup or session failure, classified. Messages never contain the key or the URL query.</summary>
public sealed class GeminiLiveException : Exception
{
    public GeminiLiveException(GeminiFailureKind kind, string message, int? closeCode = null, string? closeReason = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        CloseCode = closeCode;
        CloseReason = closeReason;
    }

    public GeminiLiveException()
        : this(GeminiFailureKind.Transient, "Gemini Live failure.")
    {
    }

    public GeminiLiveException(string message)
        : this(GeminiFailureKind.Transient, message)
    {
    }

    public GeminiLiveException(string message, Exception innerException)
        : this(GeminiFailureKind.Transient, message, inner: innerException)
    {
    }

    public GeminiFailureKind Kind { get; }

    public int? CloseCode { get; }

    public string? CloseReason { get; }

    public bool IsFatal => GeminiCloseClassifier.IsFatal(Kind);
}
