namespace Chorus.Gemini.Events;

internal sealed record GeminiSetupComplete(string? SessionId) : GeminiEvent;
