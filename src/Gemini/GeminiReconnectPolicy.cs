namespace Chorus.Gemini;

/// <summary>Backoff and circuit-breaker settings for (re)connecting.</summary>
public sealed record GeminiReconnectPolicy
{
    internal int MaxAttempts { get; init; } = 6;

    internal TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of one backoff delay between connect attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A transport that lived shorter than this and then dropped counts as a quick loss; more than
    /// <see cref="MaxAttempts"/> quick losses in a row end the conversation instead of cycling forever.
    /// </summary>
    public TimeSpan StableConnection { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long quota or permission failures keep the circuit open.</summary>
    public TimeSpan QuotaBreakDuration { get; init; } = TimeSpan.FromMinutes(2);
}
