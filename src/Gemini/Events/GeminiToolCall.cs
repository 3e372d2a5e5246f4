namespace Chorus.Gemini.Events;

public sealed record GeminiToolCall(IReadOnlyList<GeminiFunctionCall> FunctionCalls) : GeminiEvent;
