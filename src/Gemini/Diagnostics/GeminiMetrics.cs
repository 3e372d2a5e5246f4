using System.Diagnostics.Metrics;
using Chorus.Diagnostics;

namespace Chorus.Gemini.Diagnostics;

/// <summary>
/// The Gemini Live side's instruments (meter <see cref="MeterName"/>), named after the OpenTelemetry semantic conventions.
/// A host creates one from its <see cref="IMeterFactory"/> and sets <see cref="GeminiLiveOptions.Metrics"/>; without one
/// the conversations share <see cref="Default"/>, whose meter no factory owns. Recording never allocates: the tags are
/// built once here. Tokens and cost are counted elsewhere (meter Chorus.Usage).
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
        Meter = InstrumentCounting.CreateMeter(meterFactory, MeterName);
        Reconnects = Meter.CreateCounter<long>(
            "chorus.gemini.reconnects", "{reconnect}", "Gemini Live connections replaced after a loss, by cause (connection_lost).");
        Handovers = Meter.CreateCounter<long>(
            "chorus.gemini.handovers", "{handover}", "Gemini Live connections replaced ahead of the server's goAway, by cause (go_away).");
        HandoverGap = Meter.CreateHistogram<double>(
            "chorus.gemini.handover.gap", "s", "Per goAway handover: last message heard on the old socket to setupComplete on the new one.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        MessagesDropped = Meter.CreateCounter<long>(
            "chorus.gemini.messages.dropped", "{message}", "Gemini Live server messages dropped or ignored, by cause.");
        AudioDropped = Meter.CreateCounter<long>(
            "chorus.gemini.audio.dropped", "By", "User audio lost while disconnected because the buffer was full, by cause.");
    }

    /// <summary>The conversations' shared set when a caller gives none (tests, tools).</summary>
    public static GeminiMetrics Default { get; } = new();

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter { get; }

    internal Counter<long> Reconnects { get; }

    internal Counter<long> Handovers { get; }

    internal Histogram<double> HandoverGap { get; }

    internal Counter<long> MessagesDropped { get; }

    internal Counter<long> AudioDropped { get; }
}
