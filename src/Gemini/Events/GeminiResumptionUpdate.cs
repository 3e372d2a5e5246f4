namespace Chorus.Gemini.Events;

/// <summary>A <c>sessionResumptionUpdate</c>; only a resumable update with a handle can be resumed from.</summary>
/// <param name="NewHandle">The handle to resume from; null or empty when there is none.</param>
/// <param name="Resumable">Whether the session can be resumed at this point.</param>
/// <param name="LastConsumedClientMessageIndex">The index of the last client message the server consumed, when it says.</param>
public sealed record GeminiResumptionUpdate(string? NewHandle, bool Resumable, long? LastConsumedClientMessageIndex) : GeminiEvent
{
    /// <summary>True when the update can be resumed from: resumable and with a non-empty handle.</summary>
    public bool IsUsable => Resumable && !string.IsNullOrEmpty(NewHandle);
}
