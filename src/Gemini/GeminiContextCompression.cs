namespace Chorus.Gemini;

/// <summary>
/// Sliding-window context compression; null token counts leave the server defaults. The cost lever of a long
/// conversation: every Live turn bills the whole context as input, so the context's size is what a turn costs.
/// </summary>
public sealed record GeminiContextCompression
{
    /// <summary>Context tokens (before a turn) past which the oldest turns are cut.</summary>
    public long? TriggerTokens { get; init; }

    /// <summary>What the cut keeps (below <see cref="TriggerTokens"/>; the server assumes half of it when unset).</summary>
    public long? TargetTokens { get; init; }
}
