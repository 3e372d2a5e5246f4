namespace Chorus.Discord.Voice;

public sealed class VoiceConnectionCounters
{
    internal long _sessions, _resumes, _rejoins, _heartbeatsSent, _heartbeatAcks, _missedHeartbeatCloses,
        _unknownOpcodes, _malformedMessages, _binaryMessages, _moves;

    public long Sessions => Volatile.Read(ref _sessions);
    public long Resumes => Volatile.Read(ref _resumes);
    public long Rejoins => Volatile.Read(ref _rejoins);
    public long HeartbeatsSent => Volatile.Read(ref _heartbeatsSent);
    public long HeartbeatAcks => Volatile.Read(ref _heartbeatAcks);
    public long MissedHeartbeatCloses => Volatile.Read(ref _missedHeartbeatCloses);
    public long UnknownOpcodes => Volatile.Read(ref _unknownOpcodes);
    /// <summary>Gateway messages that were not valid JSON or lacked fields; dropped, the session continues.</summary>
    public long MalformedMessages => Volatile.Read(ref _malformedMessages);
    public long BinaryMessages => Volatile.Read(ref _binaryMessages);
    public long Moves => Volatile.Read(ref _moves);
}
