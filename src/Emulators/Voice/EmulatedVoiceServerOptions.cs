namespace Chorus.Emulators.Voice;

public sealed record EmulatedVoiceServerOptions
{
    public int HeartbeatIntervalMs { get; init; } = 13750;

    /// <summary>Offered in Ready, in this order.</summary>
    public IReadOnlyList<string> Modes { get; init; } = ["aead_aes256_gcm_rtpsize", "aead_xchacha20_poly1305_rtpsize"];

    /// <summary>Add a Discord-style one-word header extension (body encrypted) to relayed packets.</summary>
    public bool AddHeaderExtension { get; init; } = true;

    /// <summary>Every n-th relayed packet gets RTP padding (0 = never), as Discord clients do at 3-15 %.</summary>
    public int PadEveryNthPacket { get; init; } = 7;

    /// <summary>Sequenced messages kept per participant for buffered resume.</summary>
    public int ResumeBufferSize { get; init; } = 200;

    /// <summary>Answer heartbeats with op 6; off makes a zombie server that clients must detect.</summary>
    public bool AckHeartbeats { get; init; } = true;

    /// <summary>Close with 4017 when identify advertises no DAVE (Discord does this on DAVE-required channels).</summary>
    public bool RequireDave { get; init; }

    /// <summary>
    /// Highest DAVE protocol version the server negotiates: 0 (default) never; 1 runs the MLS group (brief §5.5) with every
    /// participant that identifies with max_dave_protocol_version &gt;= 1. The relay forwards DAVE frames as they are.
    /// </summary>
    public int DaveProtocolVersion { get; init; }

    /// <summary>
    /// How long the DAVE gateway waits for op 23 before it sends op 22 anyway (brief §5.5: "when all are ready or a
    /// timeout passes"). Discord does not publish it; 2 s is inferred (see EmulatedDaveDeliveryService.DefaultTransitionTimeout).
    /// </summary>
    public TimeSpan DaveTransitionTimeout { get; init; } = Dave.EmulatedDaveDeliveryService.DefaultTransitionTimeout;

    /// <summary>The clock of the server's timeouts (the DAVE transition timeout); a test's fake clock drives them.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
