namespace Chorus.Gemini;

/// <summary>Backoff, give-up budget and circuit-breaker settings for (re)connecting.</summary>
public sealed record GeminiReconnectPolicy
{
    internal TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of one backoff delay between connect attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the conversation keeps trying while nothing works (connects fail, or connections drop before
    /// serving a turn) before it fails for good. The clock starts at the first failure after the last served turn,
    /// so a healthy connection, however short, never counts. One minute: field reports of 1011 bursts heal within
    /// one retry or a few seconds, and Google's 1011 incidents that do not are not worth more silence; past a
    /// minute users deserve to be told the bot is gone rather than talk to a silent one. With the backoff capped
    /// at <see cref="MaxDelay"/> that is about ten attempts.
    /// </summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A transport that lived at least this long counts as healthy even without answering a turn (nobody spoke):
    /// its loss starts a new give-up budget.
    /// </summary>
    public TimeSpan StableConnection { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connect attempts with a resumption handle before giving the handle up for a fresh session. A resume refused
    /// with 1011 is retried: the service refuses one while an earlier socket of the session is still closing.
    /// Three attempts (about 0.75 s of backoff at the defaults) outlast that; more only lengthens the silence.
    /// </summary>
    public int ResumeAttempts { get; init; } = 3;

    /// <summary>How long quota or permission failures keep this conversation's quota circuit open.</summary>
    public TimeSpan QuotaBreakDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Different conversations of this process whose connects fail within <see cref="BreakerWindow"/>, with no
    /// success between, that open the process-wide breaker: one failing conversation is its own trouble, three
    /// at once are the service's.
    /// </summary>
    public int BreakerConversations { get; init; } = 3;

    /// <summary>The window in which <see cref="BreakerConversations"/> failures must fall.</summary>
    public TimeSpan BreakerWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the process-wide breaker stays open before one conversation probes the service.</summary>
    public TimeSpan BreakerDuration { get; init; } = TimeSpan.FromSeconds(5);
}
