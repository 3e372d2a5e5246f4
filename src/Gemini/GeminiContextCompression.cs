namespace Chorus.Gemini;

/// <summary>Sliding-window context compression; null token counts leave the server defaults.</summary>
internal sealed record GeminiContextCompression
{
    public long? TriggerTokens { get; init; }

    public long? TargetTokens { get; init; }
}
