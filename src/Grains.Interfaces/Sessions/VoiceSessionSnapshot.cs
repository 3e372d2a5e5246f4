namespace Chorus.Grains.Sessions;

/// <summary>A guild's voice session as its grain holds it: state, owner, counters, and how the last one ended.</summary>
/// <param name="GuildId">The guild.</param>
/// <param name="State">Where the session is in its life (Idle: none runs).</param>
/// <param name="ChannelId">The voice channel.</param>
/// <param name="OwnerGatewayId">The gateway process that runs it.</param>
/// <param name="LeaseExpiresAt">Until when the owner holds it without renewing.</param>
/// <param name="ResumptionHandle">The newest resumable Gemini handle.</param>
/// <param name="Current">The counters of the current (or last) session.</param>
/// <param name="Lifetime">The counters of every session of the guild.</param>
/// <param name="Latency">The recent latency figures.</param>
/// <param name="StartedAt">When the current (or last) session started.</param>
/// <param name="LastLeaveReason">Why the last session ended, in words (the message users were shown, when there was one).</param>
/// <param name="EndReason">Why the last session ended; null while none has ended since the current one started.</param>
/// <param name="EndedAt">When the last session ended.</param>
/// <param name="OriginChannelId">The text channel the session was started from.</param>
[GenerateSerializer, Immutable, Alias("chorus.VoiceSessionSnapshot")]
public sealed record VoiceSessionSnapshot(
    [property: Id(0)] long GuildId,
    [property: Id(1)] VoiceSessionState State,
    [property: Id(2)] ulong? ChannelId,
    [property: Id(3)] string? OwnerGatewayId,
    [property: Id(4)] DateTimeOffset? LeaseExpiresAt,
    [property: Id(5)] string? ResumptionHandle,
    [property: Id(6)] SessionUsage Current,
    [property: Id(7)] SessionUsage Lifetime,
    [property: Id(8)] LatencyFigures? Latency,
    [property: Id(9)] DateTimeOffset? StartedAt,
    [property: Id(10)] string? LastLeaveReason,
    [property: Id(11)] SessionEndReason? EndReason = null,
    [property: Id(12)] DateTimeOffset? EndedAt = null,
    [property: Id(13)] ulong? OriginChannelId = null)
{
    /// <summary>No session runs and the last one ended (as opposed to a guild that never had one).</summary>
    public bool HasEnded => State == VoiceSessionState.Idle && EndedAt is not null;
}
