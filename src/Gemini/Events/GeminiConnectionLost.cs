namespace Chorus.Gemini.Events;

/// <summary>Raised by the conversation when a transport ended unexpectedly; audio is buffered until it is back.</summary>
internal sealed record GeminiConnectionLost(GeminiCloseInfo Close) : GeminiEvent;
