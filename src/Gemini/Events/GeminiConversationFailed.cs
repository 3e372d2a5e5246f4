namespace Chorus.Gemini.Events;

/// <summary>The conversation gave up (fatal close, retries exhausted, circuit open).</summary>
/// <param name="Error">Why the conversation gave up.</param>
public sealed record GeminiConversationFailed(GeminiLiveException Error) : GeminiEvent;
