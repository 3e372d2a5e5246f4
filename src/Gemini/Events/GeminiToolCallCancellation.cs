namespace Chorus.Gemini.Events;

internal sealed record GeminiToolCallCancellation(IReadOnlyList<string> Ids) : GeminiEvent;
