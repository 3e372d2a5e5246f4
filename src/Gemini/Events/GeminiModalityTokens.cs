namespace Chorus.Gemini.Events;

public sealed record GeminiModalityTokens(string Modality, long TokenCount);
