namespace Chorus.Discord.Voice.Gateway;

/// <summary>What the voice connection does after its gateway closed, decided by the close code.</summary>
public enum VoiceCloseAction
{
    /// <summary>Reconnect to the same endpoint and resume (op 7 with seq_ack).</summary>
    Resume,
    /// <summary>Start over with a fresh identify (ideally with fresh credentials).</summary>
    Rejoin,
    /// <summary>Rejoin once: the close points at our bug; if it repeats, give up.</summary>
    RejoinOnce,
    /// <summary>Disconnected by Discord (kicked, moved, channel gone): wait briefly for a move, else stop.</summary>
    Disconnected,
    /// <summary>Stop for good and report.</summary>
    GiveUp,
}
