namespace Chorus.Gemini.Events;

/// <summary>Token counts for one turn (the server does not accumulate them).</summary>
/// <param name="PromptTokens">Tokens of the input in this turn.</param>
/// <param name="ResponseTokens">Tokens of the model's response.</param>
/// <param name="TotalTokens">All tokens of the turn.</param>
/// <param name="ThoughtsTokens">Tokens spent thinking.</param>
/// <param name="CachedTokens">Input tokens served from the context cache.</param>
/// <param name="PromptDetails">Input tokens by modality.</param>
/// <param name="ResponseDetails">Response tokens by modality.</param>
public sealed record GeminiUsage(
    long PromptTokens,
    long ResponseTokens,
    long TotalTokens,
    long ThoughtsTokens,
    long CachedTokens,
    IReadOnlyList<GeminiModalityTokens> PromptDetails,
    IReadOnlyList<GeminiModalityTokens> ResponseDetails) : GeminiEvent;
