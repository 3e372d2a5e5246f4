namespace Chorus.Gemini;

/// <summary>Backoff and circuit-breaker settings for (re)connecting.</summary>
public sealed record GeminiReconnectPolicy
{
    internal int MaxAttempts { get; init; } = 6;

    internal TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of one backoff delay between connect attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A transport that lived shorter than this and then dropped without answering a turn counts as a quick loss;
    /// more than <see cref="MaxAttempts"/> quick losses in a row end the conversation instead of cycling forever.
    /// A transport that answered a turn resets the count, however short it lived.
    /// </summary>
    public TimeSpan StableConnection { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connect attempts with a resumption handle before giving the handle up for a fresh session. A resume refused
    /// with 1011 is retried: the service refuses one while an earlier socket of the session is still closing.
    /// Three attempts (about 0.75 s of backoff at the defaults) outlast that; more only lengthens the silence.
    /// </summary>
    public int ResumeAttempts { get; init; } = 3;

    /// <summary>How long quota or permission failures keep the circuit open.</summary>
    public TimeSpan QuotaBreakDuration { get; init; } = TimeSpan.FromMinutes(2);
}
