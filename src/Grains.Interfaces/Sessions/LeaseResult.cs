namespace Chorus.Grains.Sessions;

/// <summary>Whether the caller still owns the session; a gateway that lost it must stop its bridge.</summary>
[GenerateSerializer, Immutable, Alias("chorus.LeaseResult")]
public sealed record LeaseResult(
    [property: Id(0)] bool Owned,
    [property: Id(1)] DateTimeOffset? ExpiresAt,
    [property: Id(2)] VoiceSessionState State,
    [property: Id(3)] string? Error);
