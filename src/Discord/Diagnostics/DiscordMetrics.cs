using System.Diagnostics.Metrics;
using Chorus.Diagnostics;

namespace Chorus.Discord.Diagnostics;

/// <summary>
/// The Discord side's instruments (meter <see cref="MeterName"/>), named after the OpenTelemetry semantic conventions.
/// A host creates one from its <see cref="IMeterFactory"/> and hands it to the connections it builds; without one the
/// connections share <see cref="Default"/>, whose meter no factory owns (any listener that asks for the name hears it).
/// Recording never allocates: every tag is built once here.
/// </summary>
public sealed class DiscordMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Chorus.Discord";

    internal static readonly KeyValuePair<string, object?> Receive = new("network.io.direction", "receive");
    internal static readonly KeyValuePair<string, object?> Transmit = new("network.io.direction", "transmit");

    /// <param name="meterFactory">The host's factory; null: a meter of this instance's own.</param>
    public DiscordMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = InstrumentCounting.CreateMeter(meterFactory, MeterName);
        PacketsReceived = Meter.CreateCounter<long>(
            "chorus.voice.packets.received", "{packet}", "UDP datagrams received on voice connections.");
        PacketsSent = Meter.CreateCounter<long>(
            "chorus.voice.packets.sent", "{packet}", "RTP packets sent on voice connections (audio and trailing silence).");
        PacketsDropped = Meter.CreateCounter<long>(
            "chorus.voice.packets.dropped", "{packet}", "Voice packets or frames dropped, by cause and network.io.direction.");
        FramesConcealed = Meter.CreateCounter<long>(
            "chorus.voice.frames.concealed", "{frame}", "Frames synthesised by packet loss concealment.");
        VoiceReconnects = Meter.CreateCounter<long>(
            "chorus.voice.reconnects", "{reconnect}", "Voice connections re-established, by cause (resume, rejoin).");
        VoiceHandovers = Meter.CreateCounter<long>(
            "chorus.voice.handovers", "{handover}", "Voice connections moved to another voice server, by cause (move).");
        VoiceGatewayMessagesDropped = Meter.CreateCounter<long>(
            "chorus.voice.gateway.messages.dropped", "{message}", "Voice gateway messages dropped, by cause.");
        GatewayReconnects = Meter.CreateCounter<long>(
            "chorus.discord.gateway.reconnects", "{reconnect}", "Main gateway reconnections, by cause (resume, identify).");
        GatewayMessagesDropped = Meter.CreateCounter<long>(
            "chorus.discord.gateway.messages.dropped", "{message}", "Main gateway messages skipped, by cause.");
        DaveDecryptFailures = Meter.CreateCounter<long>(
            "chorus.dave.decrypt.failures", "{frame}",
            "DAVE frames that failed to decrypt; chorus.dave.transition_pending=true while a key change was under way or before our Welcome (expected).");
        DaveMessagesRejected = Meter.CreateCounter<long>(
            "chorus.dave.messages.rejected", "{message}", "Malformed or inapplicable DAVE messages rejected.");
        RestRateLimited = Meter.CreateCounter<long>(
            "chorus.discord.rest.rate_limited", "{response}", "429 answers from the REST API, by scope (route, global).");
    }

    /// <summary>The instances' shared set when a caller gives none (tests, tools).</summary>
    public static DiscordMetrics Default { get; } = new();

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter { get; }

    internal Counter<long> PacketsReceived { get; }

    internal Counter<long> PacketsSent { get; }

    internal Counter<long> PacketsDropped { get; }

    internal Counter<long> FramesConcealed { get; }

    internal Counter<long> VoiceReconnects { get; }

    internal Counter<long> VoiceHandovers { get; }

    internal Counter<long> VoiceGatewayMessagesDropped { get; }

    internal Counter<long> GatewayReconnects { get; }

    internal Counter<long> GatewayMessagesDropped { get; }

    internal Counter<long> DaveDecryptFailures { get; }

    internal Counter<long> DaveMessagesRejected { get; }

    internal Counter<long> RestRateLimited { get; }
}

/// <summary>The tags the instruments are recorded with, built once so that recording allocates nothing.</summary>
internal static class MetricTag
{
    private const string Key = "cause";

    public static readonly KeyValuePair<string, object?> NotRtp = new(Key, "not_rtp");
    public static readonly KeyValuePair<string, object?> Rtcp = new(Key, "rtcp");
    public static readonly KeyValuePair<string, object?> TooShort = new(Key, "too_short");
    public static readonly KeyValuePair<string, object?> AuthenticationFailed = new(Key, "authentication_failed");
    public static readonly KeyValuePair<string, object?> Malformed = new(Key, "malformed");
    public static readonly KeyValuePair<string, object?> EmptyPayload = new(Key, "empty_payload");
    public static readonly KeyValuePair<string, object?> FrameDecryptFailed = new(Key, "frame_decrypt_failed");
    public static readonly KeyValuePair<string, object?> UnknownSsrc = new(Key, "unknown_ssrc");
    public static readonly KeyValuePair<string, object?> Duplicate = new(Key, "duplicate");
    public static readonly KeyValuePair<string, object?> Late = new(Key, "late");
    public static readonly KeyValuePair<string, object?> DecodeFailed = new(Key, "decode_failed");
    public static readonly KeyValuePair<string, object?> NoKey = new(Key, "no_key");
    public static readonly KeyValuePair<string, object?> EncodeFailed = new(Key, "encode_failed");
    public static readonly KeyValuePair<string, object?> FrameEncryptFailed = new(Key, "frame_encrypt_failed");
    public static readonly KeyValuePair<string, object?> SendFailed = new(Key, "send_failed");
    public static readonly KeyValuePair<string, object?> NotReady = new(Key, "not_ready");
    public static readonly KeyValuePair<string, object?> UnknownOpcode = new(Key, "unknown_opcode");
    public static readonly KeyValuePair<string, object?> UnknownEvent = new(Key, "unknown_event");
    public static readonly KeyValuePair<string, object?> Resume = new(Key, "resume");
    public static readonly KeyValuePair<string, object?> Rejoin = new(Key, "rejoin");
    public static readonly KeyValuePair<string, object?> Identify = new(Key, "identify");
    public static readonly KeyValuePair<string, object?> Move = new(Key, "move");
    public static readonly KeyValuePair<string, object?> TransitionPending = new("chorus.dave.transition_pending", true);
    public static readonly KeyValuePair<string, object?> NoTransitionPending = new("chorus.dave.transition_pending", false);
    public static readonly KeyValuePair<string, object?> GlobalScope = new("scope", "global");
    public static readonly KeyValuePair<string, object?> RouteScope = new("scope", "route");
}
