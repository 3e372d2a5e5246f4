namespace Chorus.Gemini.Events;

/// <summary>
/// Raised by the conversation when a new transport is in use. <paramref name="Resumed"/> is false when the
/// server context was lost and a fresh session started.
/// </summary>
/// <param name="Cause">Why a new session was needed.</param>
/// <param name="Resumed">True when the server context was kept (resumed with a handle).</param>
/// <param name="Model">The model of the new session.</param>
public sealed record GeminiReconnected(GeminiReconnectCause Cause, bool Resumed, string Model) : GeminiEvent
{
    /// <summary>
    /// True when a fresh session (not resumed) was seeded with the recent conversation's transcript, so the model
    /// goes on from it instead of starting over.
    /// </summary>
    public bool ContextSeeded { get; init; }
}
