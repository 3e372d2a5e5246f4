namespace Chorus.Gemini;

/// <summary>Backoff and circuit-breaker settings for (re)connecting.</summary>
public sealed record GeminiReconnectPolicy
{
    public int MaxAttempts { get; init; } = 6;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long quota or permission failures keep the circuit open.</summary>
    public TimeSpan QuotaBreakDuration { get; init; } = TimeSpan.FromMinutes(2);
}
