namespace Chorus.Grains.Sessions;

/// <summary>Whether the caller still owns the session; a gateway that lost it must stop its bridge.</summary>
/// <param name="Owned">Whether the caller owns the session.</param>
/// <param name="ExpiresAt">When the caller's lease ends unless renewed.</param>
/// <param name="State">The session's state.</param>
/// <param name="Error">Why the caller does not own it, in words.</param>
/// <param name="DailyBudgetReachedUsd">
/// Set when the guild's daily budget (this many US dollars) is spent: the owner ends the session politely.
/// </param>
[GenerateSerializer, Immutable, Alias("chorus.LeaseResult")]
public sealed record LeaseResult(
    [property: Id(0)] bool Owned,
    [property: Id(1)] DateTimeOffset? ExpiresAt,
    [property: Id(2)] VoiceSessionState State,
    [property: Id(3)] string? Error,
    [property: Id(4)] decimal? DailyBudgetReachedUsd = null);
