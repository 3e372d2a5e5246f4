namespace Chorus.Gemini.Events;

public sealed record GeminiToolCallCancellation(IReadOnlyList<string> Ids) : GeminiEvent;
