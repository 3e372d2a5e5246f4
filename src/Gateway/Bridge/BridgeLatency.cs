using Chorus.Gateway.Diagnostics;
namespace Chorus.Gateway.Bridge;

/// <summary>
/// The bridge's measured figures (timed by the bridge's TimeProvider, milliseconds), taken at the wire: where a datagram
/// or a model message came off a socket and where audio was handed to one.
/// </summary>
public sealed class BridgeLatency
{
    /// <param name="metrics">
    /// The exported instruments that <see cref="Uplink"/>, <see cref="Downlink"/>, <see cref="Response"/>,
    /// <see cref="SendInterval"/> and the barge-in figures also record to (this bridge's figures stay readable for /status and the reports); the shared set when null.
    /// </param>
    public BridgeLatency(GatewayMetrics? metrics = null)
    {
        metrics ??= GatewayMetrics.Default;
        Uplink = new(metrics.UplinkLatency);
        Downlink = new(metrics.DownlinkLatency);
        // A turn holds the user's pause, the model's thinking and its first words: seconds, not milliseconds.
        Response = new(metrics.TurnLatency, TimeSpan.FromSeconds(5));
        ServerBargeIn = new(metrics.BargeInLatency, GatewayMetrics.ServerInterruption);
        LocalBargeIn = new(metrics.BargeInLatency, GatewayMetrics.LocalBargeIn);
        SendInterval = new(metrics.SendInterval);
    }

    /// <summary>
    /// A user's UDP datagram received -> its audio written to the Gemini socket (the send returned). Audio buffered while
    /// Gemini was unreachable is not in it (counted on <c>chorus.audio.uplink.buffered</c>).
    /// </summary>
    public LatencyHistogram Uplink { get; }

    /// <summary>A model audio message received (off the Gemini socket) while playback was idle -> the first RTP packet carrying it sent.</summary>
    public LatencyHistogram Downlink { get; }

    /// <summary>
    /// <c>interrupted</c> received off the Gemini socket -> the last packet of the interrupted answer sent (0 when none left
    /// after it); only when the bot was talking.
    /// </summary>
    public LatencyHistogram ServerBargeIn { get; }

    /// <summary>Local barge-in detected (a user's sustained speech) -> the last packet of the interrupted answer sent (0 when none left after it).</summary>
    public LatencyHistogram LocalBargeIn { get; }

    /// <summary>Intervals between consecutive reply frames of one talk spurt.</summary>
    public LatencyHistogram SendInterval { get; }

    /// <summary>
    /// Turn latency: the user's last speech packet received (UDP) -> the first RTP packet of the answer sent. The model's own
    /// time is part of it; the load harness shows it apart from the Gemini emulator's timestamps.
    /// </summary>
    public LatencyHistogram Response { get; }
}
