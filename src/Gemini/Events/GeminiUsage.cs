namespace Chorus.Gemini.Events;

/// <summary>Token counts for one turn (the server does not accumulate them).</summary>
public sealed record GeminiUsage(
    long PromptTokens,
    long ResponseTokens,
    long TotalTokens,
    long ThoughtsTokens,
    long CachedTokens,
    IReadOnlyList<GeminiModalityTokens> PromptDetails,
    IReadOnlyList<GeminiModalityTokens> ResponseDetails) : GeminiEvent;
