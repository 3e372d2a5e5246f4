using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
namespace Chorus.Discord.Gateway;

/// <summary>
/// What one shard's connection did: the per-shard view of <see cref="DiscordMetrics"/>, whose exported events (reconnects,
/// skipped messages) are counted here and on the instrument in one call. Incremented from the receive and heartbeat loops.
/// </summary>
public sealed class GatewayCounters
{
    private readonly DiscordMetrics _metrics;
    private long _malformedPayloads;
    private long _unknownOpcodes;
    private long _unknownEvents;
    private long _identifies;
    private long _resumeAttempts;
    private long _resumed;
    private long _reconnects;
    private long _heartbeatsSent;
    private long _heartbeatAcks;
    private long _zombieConnections;
    private long _invalidSessions;
    private long _dispatches;

    internal GatewayCounters(DiscordMetrics metrics) => _metrics = metrics;

    internal long MalformedPayloads => Interlocked.Read(ref _malformedPayloads);

    /// <summary>Messages with an opcode this client does not know (ignored).</summary>
    public long UnknownOpcodes => Interlocked.Read(ref _unknownOpcodes);

    internal long UnknownEvents => Interlocked.Read(ref _unknownEvents);

    /// <summary>Any frame skipped: malformed, unknown opcode or unknown event.</summary>
    public long Skipped => MalformedPayloads + UnknownOpcodes + UnknownEvents;

    /// <summary>Identify (op 2) payloads sent.</summary>
    public long Identifies => Interlocked.Read(ref _identifies);

    internal long ResumeAttempts => Interlocked.Read(ref _resumeAttempts);

    /// <summary>Sessions resumed (op 6 answered by RESUMED).</summary>
    public long Resumed => Interlocked.Read(ref _resumed);

    /// <summary>Reconnections after a lost connection, op 7 or op 9.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    internal long HeartbeatsSent => Interlocked.Read(ref _heartbeatsSent);

    internal long HeartbeatAcks => Interlocked.Read(ref _heartbeatAcks);

    internal long ZombieConnections => Interlocked.Read(ref _zombieConnections);

    internal long InvalidSessions => Interlocked.Read(ref _invalidSessions);

    internal long Dispatches => Interlocked.Read(ref _dispatches);

    internal void Malformed() => _metrics.GatewayMessagesDropped.Count(ref _malformedPayloads, MetricTag.Malformed);

    internal void UnknownOpcode() => _metrics.GatewayMessagesDropped.Count(ref _unknownOpcodes, MetricTag.UnknownOpcode);

    internal void UnknownEvent() => _metrics.GatewayMessagesDropped.Count(ref _unknownEvents, MetricTag.UnknownEvent);

    internal void Identify() => Interlocked.Increment(ref _identifies);

    internal void ResumeAttempt() => Interlocked.Increment(ref _resumeAttempts);

    internal void ResumedSession() => Interlocked.Increment(ref _resumed);

    internal void Reconnect(bool resume) =>
        _metrics.GatewayReconnects.Count(ref _reconnects, resume ? MetricTag.Resume : MetricTag.Identify);

    internal void HeartbeatSent() => Interlocked.Increment(ref _heartbeatsSent);

    internal void HeartbeatAck() => Interlocked.Increment(ref _heartbeatAcks);

    internal void Zombie() => Interlocked.Increment(ref _zombieConnections);

    internal void InvalidSession() => Interlocked.Increment(ref _invalidSessions);

    internal void Dispatch() => Interlocked.Increment(ref _dispatches);
}
