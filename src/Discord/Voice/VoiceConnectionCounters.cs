namespace Chorus.Discord.Voice;

public sealed class VoiceConnectionCounters
{
    internal long _sessions, _resumes, _rejoins, _heartbeatsSent, _heartbeatAcks, _missedHeartbeatCloses,
        _unknownOpcodes, _malformedMessages, _binaryMessages, _moves;

    public long Sessions => Volatile.Read(ref _sessions);
    public long Resumes => Volatile.Read(ref _resumes);
    internal long Rejoins => Volatile.Read(ref _rejoins);
    internal long HeartbeatsSent => Volatile.Read(ref _heartbeatsSent);
    internal long HeartbeatAcks => Volatile.Read(ref _heartbeatAcks);
    internal long MissedHeartbeatCloses => Volatile.Read(ref _missedHeartbeatCloses);
    public long UnknownOpcodes => Volatile.Read(ref _unknownOpcodes);
    /// <summary>Gateway messages that were not valid JSON or lacked fields; dropped, the session continues.</summary>
    public long MalformedMessages => Volatile.Read(ref _malformedMessages);
    internal long BinaryMessages => Volatile.Read(ref _binaryMessages);
    internal long Moves => Volatile.Read(ref _moves);
}
