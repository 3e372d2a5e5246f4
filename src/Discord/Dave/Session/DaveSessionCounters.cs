using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
namespace Chorus.Discord.Dave.Session;

/// <summary>
/// What a <see cref="DaveSession"/> did and dropped: the per-session view of <see cref="DiscordMetrics"/>, whose exported
/// events (decrypt failures, rejected messages) are counted here and on the instrument in one call. Thread-safe reads.
/// </summary>
public sealed class DaveSessionCounters
{
    private readonly DiscordMetrics _metrics;
    private readonly long[] _rejectedByOpcode = new long[32];
    internal long _rejected;
    internal long _ignored;
    internal long _keyPackagesSent;
    internal long _commitsSent;
    internal long _invalidCommitWelcomes;
    internal long _transitionsExecuted;
    internal long _framesEncrypted;
    internal long _framesDroppedNotReady;
    internal long _framesDecrypted;
    internal long _framesPassedThrough;
    internal long _decryptFailures;
    internal long _decryptFailuresDuringTransition;
    internal long _sendFailures;

    internal DaveSessionCounters(DiscordMetrics metrics) => _metrics = metrics;

    /// <summary>Malformed, wrong-epoch, wrong-group or otherwise invalid DAVE messages, all opcodes.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Messages valid in form but not applicable now (no group yet, unknown transition, other group's commit).</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    internal long KeyPackagesSent => Interlocked.Read(ref _keyPackagesSent);

    internal long CommitsSent => Interlocked.Read(ref _commitsSent);

    /// <summary>Op 31 messages sent (a commit or welcome failed and the session reset).</summary>
    public long InvalidCommitWelcomes => Interlocked.Read(ref _invalidCommitWelcomes);

    /// <summary>DAVE transitions executed (op 22), including protocol version changes.</summary>
    public long TransitionsExecuted => Interlocked.Read(ref _transitionsExecuted);

    internal long FramesEncrypted => Interlocked.Read(ref _framesEncrypted);

    /// <summary>Outgoing frames refused because DAVE was not ready (no send key yet).</summary>
    public long FramesDroppedNotReady => Interlocked.Read(ref _framesDroppedNotReady);

    internal long FramesDecrypted => Interlocked.Read(ref _framesDecrypted);

    /// <summary>Frames accepted unencrypted (silence, protocol version 0, or the passthrough window of a transition).</summary>
    public long FramesPassedThrough => Interlocked.Read(ref _framesPassedThrough);

    /// <summary>Frames that failed to decrypt while we were in a group and no transition was pending.</summary>
    public long DecryptFailures => Interlocked.Read(ref _decryptFailures);

    /// <summary>Frames that failed while a transition was pending or before our Welcome; expected during key changes, so not counted as failures.</summary>
    public long DecryptFailuresDuringTransition => Interlocked.Read(ref _decryptFailuresDuringTransition);

    /// <summary>Replies the gateway sender refused (socket closing); the session carries on.</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Rejected messages of one opcode (21-31).</summary>
    public long RejectedFor(int opcode) => opcode is >= 0 and < 32 ? Interlocked.Read(ref _rejectedByOpcode[opcode]) : 0;

    internal long Reject(int opcode)
    {
        if (opcode is >= 0 and < 32)
        {
            Interlocked.Increment(ref _rejectedByOpcode[opcode]);
        }

        _metrics.DaveMessagesRejected.Add(1);

        return Interlocked.Increment(ref _rejected);
    }

    internal void DecryptFailed(bool transitionPending)
    {
        _metrics.DaveDecryptFailures.Count(
            ref transitionPending ? ref _decryptFailuresDuringTransition : ref _decryptFailures,
            transitionPending ? MetricTag.TransitionPending : MetricTag.NoTransitionPending);
    }
}
