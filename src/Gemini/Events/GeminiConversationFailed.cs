namespace Chorus.Gemini.Events;

/// <summary>The conversation gave up (fatal close, retries exhausted, circuit open).</summary>
public sealed record GeminiConversationFailed(GeminiLiveException Error) : GeminiEvent;
