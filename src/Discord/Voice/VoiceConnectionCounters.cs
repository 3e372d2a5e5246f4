using System.Diagnostics.Metrics;
using Chorus.Discord.Diagnostics;

namespace Chorus.Discord.Voice;

/// <summary>
/// What the voice gateway sessions of one connection did: the per-connection view of <see cref="DiscordMetrics"/>, whose
/// exported events (reconnects, moves, dropped messages) are counted here and on the instrument in one call. Readable
/// from any thread.
/// </summary>
public sealed class VoiceConnectionCounters
{
    internal VoiceConnectionCounters(DiscordMetrics metrics) => Metrics = metrics;

    internal DiscordMetrics Metrics { get; }

    internal long _sessions, _resumes, _rejoins, _heartbeatsSent, _heartbeatAcks, _missedHeartbeatCloses,
        _unknownOpcodes, _malformedMessages, _binaryMessages, _moves, _credentialRefreshes, _failedCredentialRefreshes;

    /// <summary>Voice gateway sessions opened (identify or resume).</summary>
    public long Sessions => Volatile.Read(ref _sessions);
    /// <summary>Resumes that succeeded (op 9).</summary>
    public long Resumes => Volatile.Read(ref _resumes);
    /// <summary>Rejoins begun: a fresh identify after a close that could not be resumed.</summary>
    public long Rejoins => Volatile.Read(ref _rejoins);
    /// <summary>Fresh credentials obtained for a rejoin (<see cref="VoiceConnectionOptions.RefreshCredentials"/>).</summary>
    public long CredentialRefreshes => Volatile.Read(ref _credentialRefreshes);
    /// <summary>Credential refreshes that failed or timed out; each counted as a failed rejoin.</summary>
    public long FailedCredentialRefreshes => Volatile.Read(ref _failedCredentialRefreshes);
    internal long HeartbeatsSent => Volatile.Read(ref _heartbeatsSent);
    internal long HeartbeatAcks => Volatile.Read(ref _heartbeatAcks);
    internal long MissedHeartbeatCloses => Volatile.Read(ref _missedHeartbeatCloses);
    /// <summary>Messages with an opcode this client does not handle; ignored.</summary>
    public long UnknownOpcodes => Volatile.Read(ref _unknownOpcodes);
    /// <summary>Gateway messages that were not valid JSON or lacked fields; dropped, the session continues.</summary>
    public long MalformedMessages => Volatile.Read(ref _malformedMessages);
    internal long BinaryMessages => Volatile.Read(ref _binaryMessages);
    internal long Moves => Volatile.Read(ref _moves);

    internal long Count(ref long counter, Counter<long> instrument, in KeyValuePair<string, object?> tag)
    {
        instrument.Add(1, tag);
        return Interlocked.Increment(ref counter);
    }
}
