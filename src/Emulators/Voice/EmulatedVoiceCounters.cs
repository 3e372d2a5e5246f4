namespace Chorus.Emulators.Voice;

public sealed class EmulatedVoiceCounters
{
    internal long _datagrams, _keepalives, _discoveries, _relayedIn, _relayedOut, _dropped, _identifies, _resumes, _rejectedResumes, _rejectedIdentifies, _unknownOpcodes, _clientSpeaking, _daveMessagesOut, _daveFramesRelayed, _daveTransitionTimerFirings;

    public long Datagrams => Volatile.Read(ref _datagrams);
    public long Keepalives => Volatile.Read(ref _keepalives);
    public long Discoveries => Volatile.Read(ref _discoveries);
    /// <summary>RTP packets that decrypted with their sender's key.</summary>
    public long RelayedIn => Volatile.Read(ref _relayedIn);
    public long RelayedOut => Volatile.Read(ref _relayedOut);
    public long Dropped => Volatile.Read(ref _dropped);
    public long Identifies => Volatile.Read(ref _identifies);
    public long Resumes => Volatile.Read(ref _resumes);
    public long RejectedResumes => Volatile.Read(ref _rejectedResumes);
    /// <summary>Identifies refused: a revoked session (closed 4006) or credentials the main gateway never handed out (4004).</summary>
    public long RejectedIdentifies => Volatile.Read(ref _rejectedIdentifies);
    public long UnknownOpcodes => Volatile.Read(ref _unknownOpcodes);
    public long ClientSpeaking => Volatile.Read(ref _clientSpeaking);
    /// <summary>DAVE messages (ops 21/22/24/25/27/29/30) sent to clients.</summary>
    public long DaveMessagesOut => Volatile.Read(ref _daveMessagesOut);
    /// <summary>Relayed RTP payloads that carry the DAVE frame trailer (magic 0xFAFA), i.e. end-to-end encrypted audio.</summary>
    public long DaveFramesRelayed => Volatile.Read(ref _daveFramesRelayed);
    /// <summary>Times a guild's DAVE transition timer fired: once per transition that timed out, and never while none is pending.</summary>
    public long DaveTransitionTimerFirings => Volatile.Read(ref _daveTransitionTimerFirings);
}
