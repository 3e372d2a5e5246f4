using System.Diagnostics.Metrics;
using Chorus.Diagnostics;

namespace Chorus.Gemini.Diagnostics;

/// <summary>
/// The Gemini Live side's instruments (meter <see cref="MeterName"/>), named after the OpenTelemetry semantic conventions.
/// A host creates one from its <see cref="IMeterFactory"/> and sets <see cref="GeminiLiveOptions.Metrics"/>; without one
/// the conversations share <see cref="Default"/>, whose meter no factory owns. Whoever needs one conversation's own
/// numbers (a test, a sandbox scenario) gives it an instance of its own and reads its <see cref="Meter"/>. Recording never
/// allocates: the tags are built once here. Tokens and cost are counted elsewhere (meter Chorus.Usage).
/// </summary>
public sealed class GeminiMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Chorus.Gemini";

    private const string Cause = "cause";
    internal static readonly KeyValuePair<string, object?> ConnectionLost = new(Cause, "connection_lost");
    internal static readonly KeyValuePair<string, object?> GoAway = new(Cause, "go_away");
    internal static readonly KeyValuePair<string, object?> Malformed = new(Cause, "malformed");
    internal static readonly KeyValuePair<string, object?> Unknown = new(Cause, "unknown");
    internal static readonly KeyValuePair<string, object?> Oversized = new(Cause, "oversized");
    internal static readonly KeyValuePair<string, object?> BufferFull = new(Cause, "buffer_full");

    /// <param name="meterFactory">The host's factory; null: a meter of this instance's own.</param>
    public GeminiMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = Meters.Create(meterFactory, MeterName);
        Reconnects = Meter.CreateCounter<long>(
            Instruments.Reconnects, "{reconnect}", "Gemini Live connections replaced after a loss, by cause (connection_lost).");
        Handovers = Meter.CreateCounter<long>(
            Instruments.Handovers, "{handover}", "Gemini Live connections replaced ahead of the server's goAway, by cause (go_away).");
        HandoverGap = Meter.CreateHistogram<double>(
            Instruments.HandoverGap, "s", "Per goAway handover: last message heard on the old socket to setupComplete on the new one.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        MessagesReceived = Meter.CreateCounter<long>(
            Instruments.MessagesReceived, "{message}", "Gemini Live server messages received whole (dropped ones included).");
        MessagesDropped = Meter.CreateCounter<long>(
            Instruments.MessagesDropped, "{message}", "Gemini Live server messages dropped or ignored, by cause.");
        AudioDropped = Meter.CreateCounter<long>(
            Instruments.AudioDropped, "By", "User audio lost while disconnected because the buffer was full, by cause.");
        ConnectAttempts = Meter.CreateCounter<long>(
            Instruments.ConnectAttempts, "{attempt}", "Gemini Live WebSocket connections tried, successful or not.");
        ConnectRetries = Meter.CreateCounter<long>(
            Instruments.ConnectRetries, "{retry}", "Gemini Live connection attempts made again after a failed one (after the backoff).");
        ConnectionsLost = Meter.CreateCounter<long>(
            Instruments.ConnectionsLost, "{connection}", "Gemini Live connections that ended without the client asking (a goAway handover is not one).");
        FreshSessions = Meter.CreateCounter<long>(
            Instruments.FreshSessions, "{session}",
            "Gemini Live sessions started without a resumption handle after a conversation's first (persona change, refused resume).");
        SeededSessions = Meter.CreateCounter<long>(
            Instruments.SeededSessions, "{session}", "Fresh Gemini Live sessions whose system instruction carried the recent conversation.");
        ResumesRefused = Meter.CreateCounter<long>(
            Instruments.ResumesRefused, "{resume}", "Session resumes given up for a fresh session: refused (1007) or failing past the resume budget.");
        ModelFallbacks = Meter.CreateCounter<long>(
            Instruments.ModelFallbacks, "{fallback}", "Conversations moved to a fallback model because theirs was unavailable.");
        AudioSent = Meter.CreateCounter<long>(
            Instruments.AudioSent, "By", "User audio (16 kHz PCM) written to Gemini Live sockets, replays included.");
        AudioReceived = Meter.CreateCounter<long>(
            Instruments.AudioReceived, "By", "Model audio (24 kHz PCM) received from Gemini Live.");
        AudioBuffered = Meter.CreateCounter<long>(
            Instruments.AudioBuffered, "By", "User audio held while the conversation had no connection, to be sent after the reconnect.");
        AudioReplayed = Meter.CreateCounter<long>(
            Instruments.AudioReplayed, "By",
            "User audio sent again because its socket closed before the server acknowledged it, or handed over from another process.");
    }

    /// <summary>The conversations' shared set when a caller gives none (tests, tools).</summary>
    public static GeminiMetrics Default { get; } = new();

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter { get; }

    internal Counter<long> Reconnects { get; }

    internal Counter<long> Handovers { get; }

    internal Histogram<double> HandoverGap { get; }

    internal Counter<long> MessagesReceived { get; }

    internal Counter<long> MessagesDropped { get; }

    internal Counter<long> AudioDropped { get; }

    internal Counter<long> ConnectAttempts { get; }

    internal Counter<long> ConnectRetries { get; }

    internal Counter<long> ConnectionsLost { get; }

    internal Counter<long> FreshSessions { get; }

    internal Counter<long> SeededSessions { get; }

    internal Counter<long> ResumesRefused { get; }

    internal Counter<long> ModelFallbacks { get; }

    internal Counter<long> AudioSent { get; }

    internal Counter<long> AudioReceived { get; }

    internal Counter<long> AudioBuffered { get; }

    internal Counter<long> AudioReplayed { get; }

    /// <summary>The instruments' names, for whoever reads one instance's meter.</summary>
    public static class Instruments
    {
        /// <summary>Connections replaced after a loss, by cause.</summary>
        public const string Reconnects = "chorus.gemini.reconnects";

        /// <summary>Connections replaced ahead of a goAway, by cause.</summary>
        public const string Handovers = "chorus.gemini.handovers";

        /// <summary>Per goAway handover, the seconds nobody could hear the bot (a histogram).</summary>
        public const string HandoverGap = "chorus.gemini.handover.gap";

        /// <summary>Server messages received whole.</summary>
        public const string MessagesReceived = "chorus.gemini.messages.received";

        /// <summary>Server messages dropped or ignored, by cause (malformed, unknown, oversized).</summary>
        public const string MessagesDropped = "chorus.gemini.messages.dropped";

        /// <summary>User audio bytes lost while disconnected, by cause.</summary>
        public const string AudioDropped = "chorus.gemini.audio.dropped";

        /// <summary>WebSocket connections tried.</summary>
        public const string ConnectAttempts = "chorus.gemini.connect.attempts";

        /// <summary>Connection attempts made again after a failed one.</summary>
        public const string ConnectRetries = "chorus.gemini.connect.retries";

        /// <summary>Connections that ended without the client asking.</summary>
        public const string ConnectionsLost = "chorus.gemini.connections.lost";

        /// <summary>Sessions started without a handle after the first.</summary>
        public const string FreshSessions = "chorus.gemini.sessions.fresh";

        /// <summary>Fresh sessions seeded with the recent conversation.</summary>
        public const string SeededSessions = "chorus.gemini.sessions.seeded";

        /// <summary>Resumes given up for a fresh session.</summary>
        public const string ResumesRefused = "chorus.gemini.resumes.refused";

        /// <summary>Moves to a fallback model.</summary>
        public const string ModelFallbacks = "chorus.gemini.model.fallbacks";

        /// <summary>User audio bytes written to the sockets.</summary>
        public const string AudioSent = "chorus.gemini.audio.sent";

        /// <summary>Model audio bytes received.</summary>
        public const string AudioReceived = "chorus.gemini.audio.received";

        /// <summary>User audio bytes held while disconnected.</summary>
        public const string AudioBuffered = "chorus.gemini.audio.buffered";

        /// <summary>User audio bytes sent again.</summary>
        public const string AudioReplayed = "chorus.gemini.audio.replayed";
    }
}
