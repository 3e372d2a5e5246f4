using System.Net.WebSockets;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Gateway;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Send;

namespace Chorus.Discord.Voice;

/// <summary>Settings of a voice connection.</summary>
public sealed record VoiceConnectionOptions
{
    /// <summary>wss:// (Discord) or ws:// (our loopback tests).</summary>
    public bool UseTls { get; init; } = true;

    /// <summary>Advertised in identify; 0 until DAVE lands (a DAVE-required channel then closes with 4017).</summary>
    public int MaxDaveProtocolVersion { get; init; }

    /// <summary>Handles the DAVE opcodes (21-31) and op 4's DAVE version; without one, DAVE messages are ignored.</summary>
    public IDaveOpcodeHandler? DaveHandler { get; init; }

    /// <summary>Per-frame media encryption between Opus and RTP; passthrough when null.</summary>
    public IVoiceFrameCryptor? FrameCryptor { get; init; }

    /// <summary>Receives each user's decoded 16 kHz frames on the UDP thread.</summary>
    public VoicePcmFrameHandler? PcmFrameHandler { get; init; }

    /// <summary>Where the connection's packets, drops and reconnects are counted for export; <see cref="DiscordMetrics.Default"/> when null.</summary>
    public DiscordMetrics? Metrics { get; init; }

    /// <summary>Jitter and hold limits of the receive path.</summary>
    public VoiceReceiverOptions Receiver { get; init; } = new();

    /// <summary>The clock that paces sending; the process-wide one when null.</summary>
    public VoicePacingClock? Clock { get; init; }

    /// <summary>Opus bitrate in bits per second.</summary>
    public int OpusBitrate { get; init; } = 64000;

    /// <summary>The most audio the playout buffer holds.</summary>
    public TimeSpan PlayoutCapacity { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time allowed for one connect attempt until Ready (or Resumed).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for the UDP IP discovery answer.</summary>
    public TimeSpan IpDiscoveryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Interval of the UDP keepalive datagrams that hold the NAT mapping open.</summary>
    public TimeSpan UdpKeepaliveInterval { get; init; } = Udp.UdpKeepalive.Interval;

    /// <summary>Connect attempts per (re)connection, with exponential backoff and jitter.</summary>
    public int MaxConnectAttempts { get; init; } = 5;

    /// <summary>The first backoff delay between connect attempts; later ones grow exponentially.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Consecutive rejoins without reaching Ready before giving up (<see cref="VoiceConnection.Closed"/>). Each one is an
    /// op 4 round trip for fresh credentials plus an identify (itself retried <see cref="MaxConnectAttempts"/> times on
    /// network errors); three refusals in a row mean Discord will not take this session back, and the people in the
    /// call are better served by the session ending visibly than by more silence.
    /// </summary>
    public int MaxRejoinAttempts { get; init; } = 3;

    /// <summary>After 4014, how long to wait for <see cref="VoiceConnection.MoveAsync"/> before treating it as left.</summary>
    public TimeSpan DisconnectGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Heartbeats in a row without an ACK before the socket is dropped and resumed.</summary>
    public int MaxMissedHeartbeats { get; init; } = 3;

    /// <summary>
    /// Fresh credentials for a rejoin (op 4 again on the main gateway, answered by a new VOICE_STATE_UPDATE and
    /// VOICE_SERVER_UPDATE pair, as @discordjs/voice does after a non-resumable close). The current ones are reused
    /// when null. When set, a refresh that fails or outlasts <see cref="CredentialRefreshTimeout"/> counts as a failed
    /// rejoin: identifying again with credentials the server ended is refused anyway.
    /// </summary>
    public Func<CancellationToken, ValueTask<VoiceServerCredentials>>? RefreshCredentials { get; init; }

    /// <summary>
    /// The longest one <see cref="RefreshCredentials"/> call may take: a safety net above the refresher's own wait for
    /// Discord's answer (the gateway's is Commands:VoiceJoinTimeout, 15 s), for a refresher that never returns.
    /// </summary>
    public TimeSpan CredentialRefreshTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Largest voice gateway message kept, in bytes (the biggest real ones are DAVE welcomes and commits of large calls,
    /// tens of KiB); a larger one is read to its end, dropped and counted as malformed, and the session continues.
    /// </summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024;

    /// <summary>Hook for WebSocket options (tests trust a self-signed certificate here).</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }
}
