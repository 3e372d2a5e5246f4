namespace Chorus.Gemini.Events;

public sealed record GeminiSetupComplete(string? SessionId) : GeminiEvent;
