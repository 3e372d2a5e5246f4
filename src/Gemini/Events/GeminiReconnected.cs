namespace Chorus.Gemini.Events;

/// <summary>
/// Raised by the conversation when a new transport is in use. <paramref name="Resumed"/> is false when the
/// server context was lost and a fresh session started.
/// </summary>
public sealed record GeminiReconnected(GeminiReconnectCause Cause, bool Resumed, string Model) : GeminiEvent;
