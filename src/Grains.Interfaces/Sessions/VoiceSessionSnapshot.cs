namespace Chorus.Grains.Sessions;

[GenerateSerializer, Immutable, Alias("chorus.VoiceSessionSnapshot")]
public sealed record VoiceSessionSnapshot(
    [property: Id(0)] long GuildId,
    [property: Id(1)] VoiceSessionState State,
    [property: Id(2)] ulong? ChannelId,
    [property: Id(3)] string? OwnerGatewayId,
    [property: Id(4)] DateTimeOffset? LeaseExpiresAt,
    [property: Id(5)] string? ResumptionHandle,
    [property: Id(6)] SessionCounters Current,
    [property: Id(7)] SessionCounters Lifetime,
    [property: Id(8)] LatencyFigures? Latency,
    [property: Id(9)] DateTimeOffset? StartedAt,
    [property: Id(10)] string? LastLeaveReason);
