namespace Chorus.Gemini.Events;

/// <summary>A <c>sessionResumptionUpdate</c>; only a resumable update with a handle can be resumed from.</summary>
public sealed record GeminiResumptionUpdate(string? NewHandle, bool Resumable, long? LastConsumedClientMessageIndex) : GeminiEvent
{
    public bool IsUsable => Resumable && !string.IsNullOrEmpty(NewHandle);
}
