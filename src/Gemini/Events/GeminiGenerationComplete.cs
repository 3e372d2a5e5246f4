namespace Chorus.Gemini.Events;

public sealed record GeminiGenerationComplete : GeminiEvent
{
    public static readonly GeminiGenerationComplete Instance = new();
}
