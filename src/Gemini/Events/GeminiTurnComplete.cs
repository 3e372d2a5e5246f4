namespace Chorus.Gemini.Events;

/// <summary>The model finished its turn; <paramref name="Reason"/> is <c>turnCompleteReason</c> when present.</summary>
/// <param name="Reason">The <c>turnCompleteReason</c>, or null when the server sent none.</param>
public sealed record GeminiTurnComplete(string? Reason) : GeminiEvent
{
    internal static readonly GeminiTurnComplete Plain = new((string?)null);
}
