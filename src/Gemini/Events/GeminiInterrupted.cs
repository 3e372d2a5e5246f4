namespace Chorus.Gemini.Events;

/// <summary>User speech interrupted the model: drop queued playback now.</summary>
public sealed record GeminiInterrupted : GeminiEvent
{
    public static readonly GeminiInterrupted Instance = new();
}
