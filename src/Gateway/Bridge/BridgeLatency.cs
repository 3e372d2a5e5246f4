using Chorus.Gateway.Diagnostics;
namespace Chorus.Gateway.Bridge;

/// <summary>The bridge's measured figures (timed by the bridge's TimeProvider, milliseconds).</summary>
public sealed class BridgeLatency
{
    /// <param name="metrics">
    /// The exported instruments that <see cref="Uplink"/>, <see cref="Downlink"/> and <see cref="Response"/> also record to
    /// (this bridge's figures stay readable for /status and the reports); the shared set when null.
    /// </param>
    public BridgeLatency(GatewayMetrics? metrics = null)
    {
        metrics ??= GatewayMetrics.Default;
        Uplink = new(metrics.UplinkLatency);
        Downlink = new(metrics.DownlinkLatency);
        Response = new(metrics.TurnLatency);
    }

    /// <summary>A user's decoded frame handed to the bridge -> its audio written to the Gemini socket.</summary>
    public LatencyHistogram Uplink { get; }

    /// <summary>Model audio received while playback was idle -> the first RTP packet carrying it sent.</summary>
    public LatencyHistogram Downlink { get; }

    /// <summary><c>interrupted</c> received -> playback cleared.</summary>
    public LatencyHistogram ServerBargeIn { get; } = new();

    /// <summary>First loud frame of a user -> playback cleared by local barge-in.</summary>
    public LatencyHistogram LocalBargeIn { get; } = new();

    /// <summary>Intervals between consecutive reply frames of one talk spurt.</summary>
    public LatencyHistogram SendInterval { get; } = new();

    /// <summary>User stopped talking (stream end) -> first model audio received.</summary>
    public LatencyHistogram Response { get; }
}
