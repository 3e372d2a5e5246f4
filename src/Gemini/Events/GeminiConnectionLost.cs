namespace Chorus.Gemini.Events;

/// <summary>Raised by the conversation when a transport ended unexpectedly; audio is buffered until it is back.</summary>
public sealed record GeminiConnectionLost : GeminiEvent
{
    internal GeminiConnectionLost(GeminiCloseInfo close) => Close = close;

    /// <summary>The WebSocket close code, when the server sent one.</summary>
    public int? CloseCode => Close.Code;

    /// <summary>What kind of failure the close was classified as (the conversation reconnects unless it is fatal).</summary>
    public GeminiFailureKind Kind => Close.Kind;

    internal GeminiCloseInfo Close { get; }
}
