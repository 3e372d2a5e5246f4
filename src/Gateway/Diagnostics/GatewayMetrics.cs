using System.Diagnostics.Metrics;
using Chorus.Diagnostics;

namespace Chorus.Gateway.Diagnostics;

/// <summary>
/// The conversation side's instruments (meter <see cref="MeterName"/>): sessions, speakers, turns, interruptions, the
/// bridge's latencies and dropped frames. Names follow the OpenTelemetry semantic conventions, durations in seconds.
/// Recording never allocates: the tags are built once here. Whoever needs one bridge's own numbers (a test, the load
/// harness, a sandbox report) gives it an instance of its own and reads its <see cref="Meter"/>, by the names in
/// <see cref="Instruments"/> and the tags in <see cref="Tags"/>.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Chorus.Gateway";

    internal static readonly KeyValuePair<string, object?> ServerInterruption = new(Tags.Cause, Tags.Server);
    internal static readonly KeyValuePair<string, object?> LocalBargeIn = new(Tags.Cause, Tags.LocalBargeIn);
    internal static readonly KeyValuePair<string, object?> UplinkFull = new(Tags.Cause, Tags.UplinkFull);
    internal static readonly KeyValuePair<string, object?> UplinkFailed = new(Tags.Cause, Tags.UplinkFailed);
    internal static readonly KeyValuePair<string, object?> ModelAudioSuppressed = new(Tags.Cause, Tags.ModelAudioSuppressed);
    internal static readonly KeyValuePair<string, object?> StallBridged = new(Tags.Outcome, Tags.Bridged);
    internal static readonly KeyValuePair<string, object?> StallEnded = new(Tags.Outcome, Tags.Ended);
    internal static readonly KeyValuePair<string, object?> UplinkStalled = new(Tags.Cause, Tags.UplinkStalled);
    internal static readonly KeyValuePair<string, object?> ModelSilent = new(Tags.Cause, Tags.ModelSilent);

    // Latencies of a few milliseconds (the bridge's own) up to seconds (a model's answer).
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    // The frame cadence is 20 ms: fine steps around it, then coarse ones up to a second of silence in an answer.
    private static readonly InstrumentAdvice<double> SendIntervalBuckets = new()
    {
        HistogramBucketBoundaries = [0.015, 0.018, 0.019, 0.02, 0.021, 0.022, 0.025, 0.03, 0.04, 0.06, 0.1, 0.25, 0.5, 1],
    };

    /// <param name="meterFactory">The host's factory; null: a meter of this instance's own.</param>
    public GatewayMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = Meters.Create(meterFactory, MeterName);
        SessionsActive = Meter.CreateUpDownCounter<long>(
            "chorus.sessions.active", "{session}", "Voice conversations running in this process.");
        SpeakersActive = Meter.CreateUpDownCounter<long>(
            "chorus.speakers.active", "{speaker}", "Users whose audio the conversations in this process are mixing.");
        Turns = Meter.CreateCounter<long>(Instruments.Turns, "{turn}", "Model turns completed.");
        Interruptions = Meter.CreateCounter<long>(
            Instruments.Interruptions, "{interruption}", "Answers cut short, by cause (server: the model heard the user; local_barge_in).");
        TurnLatency = Meter.CreateHistogram<double>(
            "chorus.turn.latency", "s",
            "The user's last speech packet received (UDP) to the first RTP packet of the answer sent; the model's own share is in it.",
            advice: LatencyBuckets);
        UplinkLatency = Meter.CreateHistogram<double>(
            "chorus.audio.uplink.latency", "s",
            "Latency added upstream: a user's UDP datagram received to its audio written to the model's socket (decryption, DAVE, " +
            "jitter buffer, decoding, mixing, gating, encoding); audio buffered during a model outage is not in it (chorus.audio.uplink.buffered).",
            advice: LatencyBuckets);
        DownlinkLatency = Meter.CreateHistogram<double>(
            "chorus.audio.downlink.latency", "s",
            "Latency added downstream: a model audio message received while playback was idle to the first RTP packet carrying it sent.",
            advice: LatencyBuckets);
        BargeInLatency = Meter.CreateHistogram<double>(
            "chorus.bargein.latency", "s",
            "An interruption (the model's interrupted, or local barge-in detected) to the last packet of the interrupted answer " +
            "sent (0 when none left after it), by cause.",
            advice: LatencyBuckets);
        SendInterval = Meter.CreateHistogram<double>(
            "chorus.audio.downlink.send_interval", "s",
            "Time between two consecutive RTP packets of one answer as they left the bot's socket (the cadence is 20 ms; a " +
            "longer interval is a gap the users hear, whatever the network adds after it).",
            advice: SendIntervalBuckets);
        UplinkFrames = Meter.CreateCounter<long>(
            Instruments.UplinkFrames, "{frame}",
            "User audio frames handed to the model's conversation: written to its socket, or held while its connection was down " +
            "(chorus.audio.uplink.buffered).");
        UplinkBuffered = Meter.CreateCounter<long>(
            Instruments.UplinkBuffered, "{frame}",
            "User audio frames held back while the model's connection was down and sent after the reconnect (kept out of the latency figures).");
        UplinkStreamEnds = Meter.CreateCounter<long>(
            Instruments.UplinkStreamEnds, "{stream_end}", "Ends of the users' audio stream sent to the model (they stopped speaking).");
        FramesDropped = Meter.CreateCounter<long>(
            Instruments.FramesDropped, "{frame}", "Audio frames the bridge dropped, by cause.");
        FramesAfterInterrupt = Meter.CreateCounter<long>(
            Instruments.FramesAfterInterrupt, "{frame}",
            "Answer frames sent after an interruption had cleared playback (taken from playout after the clear; should stay 0).");
        UplinkStalls = Meter.CreateCounter<long>(
            Instruments.UplinkStalls, "{stall}",
            "The users' frames stopped right after speech for longer than the end-of-speech wait (held up by the network or a " +
            "loaded host), by outcome (bridged: they came back within the stall timeout and the words went on as one turn; " +
            "ended: the stream to the model was ended).");
        ConversationStalls = Meter.CreateCounter<long>(
            Instruments.ConversationStalls, "{stall}",
            "Conversations found stuck by the bridge's watchdog, by cause (uplink_stalled: the users' audio waited for the model's " +
            "socket for seconds; model_silent: the model sent nothing for seconds after the users stopped speaking).");
    }

    /// <summary>The bridges' shared set when a caller gives none (tests, tools).</summary>
    public static GatewayMetrics Default { get; } = new();

    public Meter Meter { get; }

    internal UpDownCounter<long> SessionsActive { get; }

    internal UpDownCounter<long> SpeakersActive { get; }

    internal Counter<long> Turns { get; }

    internal Counter<long> Interruptions { get; }

    internal Histogram<double> TurnLatency { get; }

    internal Histogram<double> UplinkLatency { get; }

    internal Histogram<double> DownlinkLatency { get; }

    internal Histogram<double> BargeInLatency { get; }

    internal Histogram<double> SendInterval { get; }
    internal Counter<long> UplinkFrames { get; }

    internal Counter<long> UplinkBuffered { get; }

    internal Counter<long> UplinkStreamEnds { get; }

    internal Counter<long> FramesDropped { get; }

    internal Counter<long> FramesAfterInterrupt { get; }

    internal Counter<long> UplinkStalls { get; }

    internal Counter<long> ConversationStalls { get; }

    /// <summary>The counters' names, for whoever reads one instance's meter.</summary>
    public static class Instruments
    {
        public const string Turns = "chorus.turns";
        public const string Interruptions = "chorus.interruptions";
        public const string UplinkFrames = "chorus.audio.uplink.frames";
        public const string UplinkBuffered = "chorus.audio.uplink.buffered";
        public const string UplinkStreamEnds = "chorus.audio.uplink.stream_ends";
        public const string FramesDropped = "chorus.bridge.frames.dropped";
        public const string FramesAfterInterrupt = "chorus.audio.downlink.frames_after_interrupt";
        public const string UplinkStalls = "chorus.audio.uplink.stalls";
        public const string ConversationStalls = "chorus.conversation.stalls";
    }

    /// <summary>The tags' keys and values.</summary>
    public static class Tags
    {
        public const string Cause = "cause";
        public const string Outcome = "outcome";
        public const string Server = "server";
        public const string LocalBargeIn = "local_barge_in";
        public const string UplinkFull = "uplink_full";
        public const string UplinkFailed = "uplink_failed";
        public const string ModelAudioSuppressed = "model_audio_suppressed";
        public const string Bridged = "bridged";
        public const string Ended = "ended";
        public const string UplinkStalled = "uplink_stalled";
        public const string ModelSilent = "model_silent";
    }
}
