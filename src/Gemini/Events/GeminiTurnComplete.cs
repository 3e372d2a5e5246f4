namespace Chorus.Gemini.Events;

/// <summary>The model finished its turn; <paramref name="Reason"/> is <c>turnCompleteReason</c> when present.</summary>
public sealed record GeminiTurnComplete(string? Reason) : GeminiEvent
{
    internal static readonly GeminiTurnComplete Plain = new((string?)null);
}
