namespace Chorus.Gemini.Events;

/// <summary>A <c>sessionResumptionUpdate</c>; only a resumable update with a handle can be resumed from.</summary>
public sealed record GeminiResumptionUpdate(string? NewHandle, bool Resumable, long? LastConsumedClientMessageIndex) : GeminiEvent
{
    /// <summary>True when the update can be resumed from: resumable and with a non-empty handle.</summary>
    public bool IsUsable => Resumable && !string.IsNullOrEmpty(NewHandle);
}
