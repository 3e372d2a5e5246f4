namespace Chorus.Grains.Sessions;

/// <summary>The persisted state of a guild's voice session.</summary>
[GenerateSerializer, Alias("chorus.VoiceSessionRecord")]
public sealed class VoiceSessionRecord
{
    [Id(0)] public VoiceSessionState State { get; set; }
    [Id(1)] public ulong? ChannelId { get; set; }
    [Id(2)] public string? OwnerGatewayId { get; set; }
    [Id(3)] public DateTimeOffset? LeaseExpiresAt { get; set; }
    [Id(4)] public string? ResumptionHandle { get; set; }
    [Id(5)] public SessionUsage Current { get; set; } = SessionUsage.Zero;
    [Id(6)] public SessionUsage Lifetime { get; set; } = SessionUsage.Zero;
    [Id(7)] public LatencyFigures? Latency { get; set; }
    [Id(8)] public DateTimeOffset? StartedAt { get; set; }
    [Id(9)] public string? LastLeaveReason { get; set; }
    [Id(10)] public SessionEndReason? EndReason { get; set; }
    [Id(11)] public DateTimeOffset? EndedAt { get; set; }
    [Id(12)] public ulong? OriginChannelId { get; set; }
}
