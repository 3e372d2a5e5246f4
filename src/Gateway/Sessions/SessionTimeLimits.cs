namespace Chorus.Gateway.Sessions;

/// <summary>
/// How a guild's maximum session length (<c>MaxSessionMinutes</c>) turns into time. A minute is a minute; the sandbox
/// alone shortens it so that its session-limit scenario ends in seconds.
/// </summary>
public sealed record SessionTimeLimits
{
    /// <summary>The length of one of the guild's "max session minutes".</summary>
    public TimeSpan Minute { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long before the limit the warning is posted (one of <see cref="Minute"/> by default).</summary>
    public TimeSpan? WarningBefore { get; init; }

    /// <summary>The limit of a session under <paramref name="maxSessionMinutes"/>.</summary>
    public TimeSpan LimitFor(int maxSessionMinutes) => Minute * Math.Max(1, maxSessionMinutes);

    /// <summary>How long before the limit the warning goes out.</summary>
    public TimeSpan Warning => WarningBefore ?? Minute;
}
