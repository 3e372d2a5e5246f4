namespace Chorus.Gemini.Events;

internal sealed record GeminiToolCall(IReadOnlyList<GeminiFunctionCall> FunctionCalls) : GeminiEvent;
