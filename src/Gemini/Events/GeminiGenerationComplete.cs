namespace Chorus.Gemini.Events;

internal sealed record GeminiGenerationComplete : GeminiEvent
{
    public static readonly GeminiGenerationComplete Instance = new();
}
