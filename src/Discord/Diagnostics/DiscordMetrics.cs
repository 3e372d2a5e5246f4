using System.Diagnostics.Metrics;
using Chorus.Diagnostics;

namespace Chorus.Discord.Diagnostics;

/// <summary>
/// The Discord side's instruments (meter <see cref="MeterName"/>), named after the OpenTelemetry semantic conventions.
/// A host creates one from its <see cref="IMeterFactory"/> and hands it to the connections it builds; without one the
/// connections share <see cref="Default"/>, whose meter no factory owns (any listener that asks for the name hears it).
/// Every event is counted here and only here: whoever needs one connection's numbers gives it an instance of its own and
/// sums that instance's meter. Recording never allocates: every tag is built once (<see cref="MetricTag"/>).
/// </summary>
public sealed class DiscordMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Chorus.Discord";

    /// <summary>UDP datagrams received on voice connections.</summary>
    public const string PacketsReceivedName = "chorus.voice.packets.received";
    /// <summary>RTP packets sent on voice connections, by <c>chorus.voice.content</c> (audio, silence).</summary>
    public const string PacketsSentName = "chorus.voice.packets.sent";
    /// <summary>Voice packets or frames dropped, by <c>cause</c> and <c>network.io.direction</c>.</summary>
    public const string PacketsDroppedName = "chorus.voice.packets.dropped";
    /// <summary>Datagrams of 8 bytes or fewer (keepalives and the like), not RTP.</summary>
    public const string KeepalivesReceivedName = "chorus.voice.keepalives.received";
    /// <summary>RTP packets held until the user behind their SSRC was known (op 5).</summary>
    public const string PacketsHeldName = "chorus.voice.packets.held";
    /// <summary>RTP packets that arrived out of order and were put back in place by the jitter buffer.</summary>
    public const string PacketsReorderedName = "chorus.voice.packets.reordered";
    /// <summary>Frames synthesised by packet loss concealment.</summary>
    public const string FramesConcealedName = "chorus.voice.frames.concealed";
    /// <summary>Decoded or concealed 20 ms frames handed to the connection's consumer.</summary>
    public const string FramesDeliveredName = "chorus.voice.frames.delivered";
    /// <summary>Frames whose consumer threw; the others' audio carries on.</summary>
    public const string FrameHandlerFailuresName = "chorus.voice.frames.handler_failures";
    /// <summary>Talk spurts begun by the send path (op 5 speaking announced).</summary>
    public const string TalkSpurtsName = "chorus.voice.talk_spurts";
    /// <summary>Voice gateway sessions opened, by <c>cause</c> (identify, resume).</summary>
    public const string VoiceSessionsName = "chorus.voice.gateway.sessions";
    /// <summary>Voice connections re-established, by <c>cause</c> (resume, rejoin).</summary>
    public const string VoiceReconnectsName = "chorus.voice.reconnects";
    /// <summary>Voice connections moved to another voice server, by <c>cause</c> (move).</summary>
    public const string VoiceHandoversName = "chorus.voice.handovers";
    /// <summary>Fresh voice credentials asked for a rejoin, by <c>outcome</c> (success, failure).</summary>
    public const string CredentialRefreshesName = "chorus.voice.credential_refreshes";
    /// <summary>Voice gateway heartbeats sent (transmit) and acknowledged (receive), by <c>network.io.direction</c>.</summary>
    public const string VoiceHeartbeatsName = "chorus.voice.gateway.heartbeats";
    /// <summary>Voice gateway sessions closed because heartbeats went unacknowledged.</summary>
    public const string VoiceHeartbeatTimeoutsName = "chorus.voice.gateway.heartbeat_timeouts";
    /// <summary>Binary (DAVE) voice gateway messages received.</summary>
    public const string VoiceBinaryMessagesName = "chorus.voice.gateway.binary_messages";
    /// <summary>Voice gateway messages dropped, by <c>cause</c> (malformed, unknown_opcode).</summary>
    public const string VoiceGatewayMessagesDroppedName = "chorus.voice.gateway.messages.dropped";
    /// <summary>Main gateway reconnections, by <c>cause</c> (resume, identify).</summary>
    public const string GatewayReconnectsName = "chorus.discord.gateway.reconnects";
    /// <summary>Main gateway messages skipped, by <c>cause</c> (malformed, unknown_opcode, unknown_event).</summary>
    public const string GatewayMessagesDroppedName = "chorus.discord.gateway.messages.dropped";
    /// <summary>Main gateway handshakes sent, by <c>cause</c> (identify, resume).</summary>
    public const string GatewayHandshakesName = "chorus.discord.gateway.handshakes";
    /// <summary>Main gateway sessions resumed (op 6 answered by RESUMED).</summary>
    public const string GatewayResumedName = "chorus.discord.gateway.resumed";
    /// <summary>Main gateway heartbeats sent (transmit) and acknowledged (receive), by <c>network.io.direction</c>.</summary>
    public const string GatewayHeartbeatsName = "chorus.discord.gateway.heartbeats";
    /// <summary>Main gateway connections closed as zombies (a heartbeat not acknowledged).</summary>
    public const string GatewayZombiesName = "chorus.discord.gateway.zombies";
    /// <summary>Invalid session (op 9) messages received.</summary>
    public const string GatewayInvalidSessionsName = "chorus.discord.gateway.invalid_sessions";
    /// <summary>Dispatch (op 0) messages received.</summary>
    public const string GatewayDispatchesName = "chorus.discord.gateway.dispatches";
    /// <summary>HTTP requests sent to the REST API, each attempt counted.</summary>
    public const string RestRequestsName = "chorus.discord.rest.requests";
    /// <summary>REST requests sent again after a transient failure (5xx, connection error, timeout).</summary>
    public const string RestRetriesName = "chorus.discord.rest.retries";
    /// <summary>REST requests that waited because their bucket was exhausted before sending.</summary>
    public const string RestBucketWaitsName = "chorus.discord.rest.bucket_waits";
    /// <summary>429 answers from the REST API, by <c>scope</c> (route, global).</summary>
    public const string RestRateLimitedName = "chorus.discord.rest.rate_limited";
    /// <summary>DAVE frames encrypted for sending.</summary>
    public const string DaveFramesEncryptedName = "chorus.dave.frames.encrypted";
    /// <summary>Outgoing frames DAVE refused because it was not ready (no send key yet).</summary>
    public const string DaveFramesNotReadyName = "chorus.dave.frames.not_ready";
    /// <summary>DAVE frames decrypted.</summary>
    public const string DaveFramesDecryptedName = "chorus.dave.frames.decrypted";
    /// <summary>Frames accepted unencrypted (silence, protocol version 0, or the passthrough window of a transition).</summary>
    public const string DaveFramesPassedThroughName = "chorus.dave.frames.passed_through";
    /// <summary>DAVE frames that failed to decrypt, by <c>chorus.dave.transition_pending</c>.</summary>
    public const string DaveDecryptFailuresName = "chorus.dave.decrypt.failures";
    /// <summary>Malformed, wrong-epoch, wrong-group or otherwise invalid DAVE messages, by <c>chorus.dave.opcode</c>.</summary>
    public const string DaveMessagesRejectedName = "chorus.dave.messages.rejected";
    /// <summary>DAVE messages valid in form but not applicable now (no group yet, unknown transition, other group's commit).</summary>
    public const string DaveMessagesIgnoredName = "chorus.dave.messages.ignored";
    /// <summary>DAVE replies queued for the voice gateway, by <c>chorus.dave.opcode</c> (26 key package, 28 commit, 31 invalid commit/welcome).</summary>
    public const string DaveMessagesSentName = "chorus.dave.messages.sent";
    /// <summary>DAVE replies the voice gateway's sender refused (socket closing); the session carries on.</summary>
    public const string DaveSendFailuresName = "chorus.dave.send.failures";
    /// <summary>DAVE transitions executed (op 22), including protocol version changes.</summary>
    public const string DaveTransitionsName = "chorus.dave.transitions.executed";

    /// <param name="meterFactory">The host's factory; null: a meter of this instance's own.</param>
    public DiscordMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = Meters.Create(meterFactory, MeterName);
        PacketsReceived = Meter.CreateCounter<long>(PacketsReceivedName, "{packet}", "UDP datagrams received on voice connections.");
        PacketsSent = Meter.CreateCounter<long>(
            PacketsSentName, "{packet}", "RTP packets sent on voice connections, by chorus.voice.content (audio, silence).");
        PacketsDropped = Meter.CreateCounter<long>(
            PacketsDroppedName, "{packet}", "Voice packets or frames dropped, by cause and network.io.direction.");
        KeepalivesReceived = Meter.CreateCounter<long>(
            KeepalivesReceivedName, "{datagram}", "Voice datagrams of 8 bytes or fewer (keepalives), not RTP.");
        PacketsHeld = Meter.CreateCounter<long>(
            PacketsHeldName, "{packet}", "RTP packets held until the user behind their SSRC was known (op 5).");
        PacketsReordered = Meter.CreateCounter<long>(
            PacketsReorderedName, "{packet}", "RTP packets that arrived out of order and were put back in place.");
        FramesConcealed = Meter.CreateCounter<long>(FramesConcealedName, "{frame}", "Frames synthesised by packet loss concealment.");
        FramesDelivered = Meter.CreateCounter<long>(
            FramesDeliveredName, "{frame}", "Decoded or concealed voice frames handed to the connection's consumer.");
        FrameHandlerFailures = Meter.CreateCounter<long>(
            FrameHandlerFailuresName, "{frame}", "Voice frames whose consumer threw.");
        TalkSpurts = Meter.CreateCounter<long>(TalkSpurtsName, "{spurt}", "Talk spurts begun on voice connections.");
        VoiceSessions = Meter.CreateCounter<long>(
            VoiceSessionsName, "{session}", "Voice gateway sessions opened, by cause (identify, resume).");
        VoiceReconnects = Meter.CreateCounter<long>(
            VoiceReconnectsName, "{reconnect}", "Voice connections re-established, by cause (resume, rejoin).");
        VoiceHandovers = Meter.CreateCounter<long>(
            VoiceHandoversName, "{handover}", "Voice connections moved to another voice server, by cause (move).");
        CredentialRefreshes = Meter.CreateCounter<long>(
            CredentialRefreshesName, "{refresh}", "Fresh voice credentials asked for a rejoin, by outcome (success, failure).");
        VoiceHeartbeats = Meter.CreateCounter<long>(
            VoiceHeartbeatsName, "{heartbeat}", "Voice gateway heartbeats sent (transmit) and acknowledged (receive).");
        VoiceHeartbeatTimeouts = Meter.CreateCounter<long>(
            VoiceHeartbeatTimeoutsName, "{session}", "Voice gateway sessions closed because heartbeats went unacknowledged.");
        VoiceBinaryMessages = Meter.CreateCounter<long>(
            VoiceBinaryMessagesName, "{message}", "Binary (DAVE) voice gateway messages received.");
        VoiceGatewayMessagesDropped = Meter.CreateCounter<long>(
            VoiceGatewayMessagesDroppedName, "{message}", "Voice gateway messages dropped, by cause.");
        GatewayReconnects = Meter.CreateCounter<long>(
            GatewayReconnectsName, "{reconnect}", "Main gateway reconnections, by cause (resume, identify).");
        GatewayMessagesDropped = Meter.CreateCounter<long>(
            GatewayMessagesDroppedName, "{message}", "Main gateway messages skipped, by cause.");
        GatewayHandshakes = Meter.CreateCounter<long>(
            GatewayHandshakesName, "{message}", "Main gateway identify and resume payloads sent, by cause.");
        GatewayResumed = Meter.CreateCounter<long>(GatewayResumedName, "{session}", "Main gateway sessions resumed (RESUMED received).");
        GatewayHeartbeats = Meter.CreateCounter<long>(
            GatewayHeartbeatsName, "{heartbeat}", "Main gateway heartbeats sent (transmit) and acknowledged (receive).");
        GatewayZombies = Meter.CreateCounter<long>(
            GatewayZombiesName, "{connection}", "Main gateway connections closed because a heartbeat went unacknowledged.");
        GatewayInvalidSessions = Meter.CreateCounter<long>(
            GatewayInvalidSessionsName, "{message}", "Invalid session (op 9) messages received on the main gateway.");
        GatewayDispatches = Meter.CreateCounter<long>(GatewayDispatchesName, "{event}", "Dispatch (op 0) messages received on the main gateway.");
        RestRequests = Meter.CreateCounter<long>(RestRequestsName, "{request}", "HTTP requests sent to the REST API, each attempt counted.");
        RestRetries = Meter.CreateCounter<long>(RestRetriesName, "{retry}", "REST requests sent again after a transient failure.");
        RestBucketWaits = Meter.CreateCounter<long>(
            RestBucketWaitsName, "{wait}", "REST requests that waited because their rate limit bucket was exhausted.");
        RestRateLimited = Meter.CreateCounter<long>(
            RestRateLimitedName, "{response}", "429 answers from the REST API, by scope (route, global).");
        DaveFramesEncrypted = Meter.CreateCounter<long>(DaveFramesEncryptedName, "{frame}", "DAVE frames encrypted for sending.");
        DaveFramesNotReady = Meter.CreateCounter<long>(
            DaveFramesNotReadyName, "{frame}", "Outgoing frames refused because DAVE had no send key yet.");
        DaveFramesDecrypted = Meter.CreateCounter<long>(DaveFramesDecryptedName, "{frame}", "DAVE frames decrypted.");
        DaveFramesPassedThrough = Meter.CreateCounter<long>(
            DaveFramesPassedThroughName, "{frame}", "Frames accepted unencrypted (silence, protocol version 0, a transition's passthrough window).");
        DaveDecryptFailures = Meter.CreateCounter<long>(
            DaveDecryptFailuresName, "{frame}",
            "DAVE frames that failed to decrypt; chorus.dave.transition_pending=true while a key change was under way or before our Welcome (expected).");
        DaveMessagesRejected = Meter.CreateCounter<long>(
            DaveMessagesRejectedName, "{message}", "Malformed or inapplicable DAVE messages rejected, by chorus.dave.opcode.");
        DaveMessagesIgnored = Meter.CreateCounter<long>(
            DaveMessagesIgnoredName, "{message}", "DAVE messages valid in form but not applicable now.");
        DaveMessagesSent = Meter.CreateCounter<long>(
            DaveMessagesSentName, "{message}", "DAVE replies queued for the voice gateway, by chorus.dave.opcode.");
        DaveSendFailures = Meter.CreateCounter<long>(
            DaveSendFailuresName, "{message}", "DAVE replies the voice gateway's sender refused (socket closing).");
        DaveTransitions = Meter.CreateCounter<long>(DaveTransitionsName, "{transition}", "DAVE transitions executed (op 22).");
    }

    /// <summary>The instances' shared set when a caller gives none (tools; never read one component's counts from it).</summary>
    public static DiscordMetrics Default { get; } = new();

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter { get; }

    internal Counter<long> PacketsReceived { get; }

    internal Counter<long> PacketsSent { get; }

    internal Counter<long> PacketsDropped { get; }

    internal Counter<long> KeepalivesReceived { get; }

    internal Counter<long> PacketsHeld { get; }

    internal Counter<long> PacketsReordered { get; }

    internal Counter<long> FramesConcealed { get; }

    internal Counter<long> FramesDelivered { get; }

    internal Counter<long> FrameHandlerFailures { get; }

    internal Counter<long> TalkSpurts { get; }

    internal Counter<long> VoiceSessions { get; }

    internal Counter<long> VoiceReconnects { get; }

    internal Counter<long> VoiceHandovers { get; }

    internal Counter<long> CredentialRefreshes { get; }

    internal Counter<long> VoiceHeartbeats { get; }

    internal Counter<long> VoiceHeartbeatTimeouts { get; }

    internal Counter<long> VoiceBinaryMessages { get; }

    internal Counter<long> VoiceGatewayMessagesDropped { get; }

    internal Counter<long> GatewayReconnects { get; }

    internal Counter<long> GatewayMessagesDropped { get; }

    internal Counter<long> GatewayHandshakes { get; }

    internal Counter<long> GatewayResumed { get; }

    internal Counter<long> GatewayHeartbeats { get; }

    internal Counter<long> GatewayZombies { get; }

    internal Counter<long> GatewayInvalidSessions { get; }

    internal Counter<long> GatewayDispatches { get; }

    internal Counter<long> RestRequests { get; }

    internal Counter<long> RestRetries { get; }

    internal Counter<long> RestBucketWaits { get; }

    internal Counter<long> RestRateLimited { get; }

    internal Counter<long> DaveFramesEncrypted { get; }

    internal Counter<long> DaveFramesNotReady { get; }

    internal Counter<long> DaveFramesDecrypted { get; }

    internal Counter<long> DaveFramesPassedThrough { get; }

    internal Counter<long> DaveDecryptFailures { get; }

    internal Counter<long> DaveMessagesRejected { get; }

    internal Counter<long> DaveMessagesIgnored { get; }

    internal Counter<long> DaveMessagesSent { get; }

    internal Counter<long> DaveSendFailures { get; }

    internal Counter<long> DaveTransitions { get; }
}

/// <summary>
/// The tags the instruments are recorded with, built once so that recording allocates nothing; public so that a reader
/// of one meter's sums (a test, the sandbox, the load harness) names the same tag the recorder used.
/// </summary>
public static class MetricTag
{
    private const string Key = "cause";
    private const string DaveOpcodeKey = "chorus.dave.opcode";

    /// <summary>A receive drop: not RTP v2 or not payload type 120.</summary>
    public static readonly KeyValuePair<string, object?> NotRtp = new(Key, "not_rtp");
    /// <summary>A receive drop: RTCP (not used).</summary>
    public static readonly KeyValuePair<string, object?> Rtcp = new(Key, "rtcp");
    /// <summary>A receive drop: too short for its header, tag and nonce.</summary>
    public static readonly KeyValuePair<string, object?> TooShort = new(Key, "too_short");
    /// <summary>A receive drop: transport authentication failed.</summary>
    public static readonly KeyValuePair<string, object?> AuthenticationFailed = new(Key, "authentication_failed");
    /// <summary>A receive drop or a gateway message dropped: bad lengths, invalid JSON, missing fields.</summary>
    public static readonly KeyValuePair<string, object?> Malformed = new(Key, "malformed");
    /// <summary>A receive drop: an authenticated packet or frame with nothing in it.</summary>
    public static readonly KeyValuePair<string, object?> EmptyPayload = new(Key, "empty_payload");
    /// <summary>A receive drop: the frame cryptor (DAVE) refused the frame.</summary>
    public static readonly KeyValuePair<string, object?> FrameDecryptFailed = new(Key, "frame_decrypt_failed");
    /// <summary>A receive drop: held too long, or too many, for an SSRC no user was mapped to.</summary>
    public static readonly KeyValuePair<string, object?> UnknownSsrc = new(Key, "unknown_ssrc");
    /// <summary>A receive drop: a packet already in the jitter buffer.</summary>
    public static readonly KeyValuePair<string, object?> Duplicate = new(Key, "duplicate");
    /// <summary>A receive drop: the packet's frame was already played out or concealed.</summary>
    public static readonly KeyValuePair<string, object?> Late = new(Key, "late");
    /// <summary>A receive drop: Opus could not decode the frame.</summary>
    public static readonly KeyValuePair<string, object?> DecodeFailed = new(Key, "decode_failed");
    /// <summary>A receive drop: RTP before the session description gave us a key.</summary>
    public static readonly KeyValuePair<string, object?> NoKey = new(Key, "no_key");
    /// <summary>A send drop: Opus could not encode the frame.</summary>
    public static readonly KeyValuePair<string, object?> EncodeFailed = new(Key, "encode_failed");
    /// <summary>A send drop: the frame cryptor (DAVE) refused the frame.</summary>
    public static readonly KeyValuePair<string, object?> FrameEncryptFailed = new(Key, "frame_encrypt_failed");
    /// <summary>A send drop: the UDP send failed.</summary>
    public static readonly KeyValuePair<string, object?> SendFailed = new(Key, "send_failed");
    /// <summary>A send drop: the connection had no transport yet (resuming, rejoining).</summary>
    public static readonly KeyValuePair<string, object?> NotReady = new(Key, "not_ready");
    /// <summary>A gateway message with an opcode this client does not handle.</summary>
    public static readonly KeyValuePair<string, object?> UnknownOpcode = new(Key, "unknown_opcode");
    /// <summary>A main gateway dispatch of an event this client does not know.</summary>
    public static readonly KeyValuePair<string, object?> UnknownEvent = new(Key, "unknown_event");
    /// <summary>A reconnect or handshake by resume.</summary>
    public static readonly KeyValuePair<string, object?> Resume = new(Key, "resume");
    /// <summary>A voice reconnect by a fresh identify after a close that could not be resumed.</summary>
    public static readonly KeyValuePair<string, object?> Rejoin = new(Key, "rejoin");
    /// <summary>A reconnect, handshake or session by identify.</summary>
    public static readonly KeyValuePair<string, object?> Identify = new(Key, "identify");
    /// <summary>A voice handover to another server.</summary>
    public static readonly KeyValuePair<string, object?> Move = new(Key, "move");
    /// <summary>A DAVE decrypt failure while a transition was pending or before our Welcome (expected).</summary>
    public static readonly KeyValuePair<string, object?> TransitionPending = new("chorus.dave.transition_pending", true);
    /// <summary>A DAVE decrypt failure in a group with no transition pending.</summary>
    public static readonly KeyValuePair<string, object?> NoTransitionPending = new("chorus.dave.transition_pending", false);
    /// <summary>A global 429.</summary>
    public static readonly KeyValuePair<string, object?> GlobalScope = new("scope", "global");
    /// <summary>A route's 429.</summary>
    public static readonly KeyValuePair<string, object?> RouteScope = new("scope", "route");
    /// <summary>Received (a voice packet dropped on receive, a heartbeat acknowledged).</summary>
    public static readonly KeyValuePair<string, object?> Receive = new("network.io.direction", "receive");
    /// <summary>Sent (a voice packet dropped on send, a heartbeat sent).</summary>
    public static readonly KeyValuePair<string, object?> Transmit = new("network.io.direction", "transmit");
    /// <summary>A voice packet carrying audio.</summary>
    public static readonly KeyValuePair<string, object?> Audio = new("chorus.voice.content", "audio");
    /// <summary>A voice packet carrying the silence frames that end a talk spurt.</summary>
    public static readonly KeyValuePair<string, object?> Silence = new("chorus.voice.content", "silence");
    /// <summary>A credential refresh that brought fresh credentials.</summary>
    public static readonly KeyValuePair<string, object?> Success = new("outcome", "success");
    /// <summary>A credential refresh that failed or timed out.</summary>
    public static readonly KeyValuePair<string, object?> Failure = new("outcome", "failure");

    // DAVE opcodes are 21-31; the table covers 0-31 so any in-range number has its tag.
    private static readonly KeyValuePair<string, object?>[] DaveOpcodes =
        [.. Enumerable.Range(0, 32).Select(opcode => new KeyValuePair<string, object?>(DaveOpcodeKey, opcode))];

    /// <summary>The <c>chorus.dave.opcode</c> tag of <paramref name="opcode"/> (0-31); a message with an opcode outside that is recorded without one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="opcode"/> is outside 0-31.</exception>
    public static KeyValuePair<string, object?> DaveOpcode(int opcode) =>
        IsDaveOpcode(opcode) ? DaveOpcodes[opcode] : throw new ArgumentOutOfRangeException(nameof(opcode), opcode, "DAVE opcodes are 0-31.");

    internal static bool IsDaveOpcode(int opcode) => opcode is >= 0 and < 32;
}
