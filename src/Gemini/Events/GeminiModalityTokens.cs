namespace Chorus.Gemini.Events;

/// <summary>Tokens of one modality in a <c>usageMetadata</c> breakdown.</summary>
/// <param name="Modality">The modality as the server names it (<c>TEXT</c>, <c>AUDIO</c>, ...).</param>
/// <param name="TokenCount">Tokens of that modality in the turn.</param>
public sealed record GeminiModalityTokens(string Modality, long TokenCount);
