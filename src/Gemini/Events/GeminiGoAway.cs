namespace Chorus.Gemini.Events;

/// <summary>The server will end this connection after <paramref name="TimeLeft"/>.</summary>
internal sealed record GeminiGoAway(TimeSpan TimeLeft) : GeminiEvent;
