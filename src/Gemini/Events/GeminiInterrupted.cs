namespace Chorus.Gemini.Events;

/// <summary>User speech interrupted the model: drop queued playback now.</summary>
public sealed record GeminiInterrupted : GeminiEvent
{
    /// <summary>The one instance: the event carries no data.</summary>
    public static readonly GeminiInterrupted Instance = new();
}
