namespace Chorus.Grains.Sessions;

/// <summary>Recent latency percentiles measured by the bridge, in milliseconds.</summary>
[GenerateSerializer, Immutable, Alias("chorus.LatencyFigures")]
public sealed record LatencyFigures(
    [property: Id(0)] double UplinkP50Ms,
    [property: Id(1)] double UplinkP99Ms,
    [property: Id(2)] double DownlinkP50Ms,
    [property: Id(3)] double DownlinkP99Ms,
    [property: Id(4)] double? LastBargeInMs,
    [property: Id(5)] double? LastResponseMs,
    [property: Id(6)] DateTimeOffset MeasuredAt);
