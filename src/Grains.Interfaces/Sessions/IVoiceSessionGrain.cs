using Orleans.Concurrency;

namespace Chorus.Grains.Sessions;

/// <summary>
/// The control plane of one guild's voice conversation: lifecycle, which gateway owns it (by a lease
/// the owner renews), the Gemini resumption handle, counters. Audio never passes through here.
/// Key: the guild id.
/// </summary>
[Alias("chorus.IVoiceSessionGrain")]
public interface IVoiceSessionGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Plans a session in <see cref="JoinRequest.ChannelId"/> for the calling gateway. Idempotent for
    /// the same channel; another channel is a move. Refused while another gateway holds a live lease.
    /// </summary>
    [Alias("Join")]
    Task<JoinResult> JoinAsync(JoinRequest request);

    /// <summary>
    /// A gateway that now holds the lease of the guild's shard (<paramref name="shardId"/> of <paramref name="shardCount"/>)
    /// takes the live session over at once, whatever the session's own lease says: the shard's previous owner died or
    /// handed the shard over, and only the shard's owner can be in the guild's voice channel. The plan carries the
    /// channel and the resumption handle (outcome <see cref="JoinOutcome.TookOver"/>). Refused (LeaseConflict) when the
    /// caller does not hold the shard's lease or the guild is not on that shard; nothing to take over when Idle.
    /// </summary>
    [Alias("TakeOver")]
    Task<JoinResult> TakeOverAsync(string gatewayId, int shardId, int shardCount);

    /// <summary>
    /// Renews the owner's lease and hands over its observer (observer references do not survive
    /// reconnects or reactivations, so every renewal carries a fresh one).
    /// </summary>
    [Alias("RenewLease")]
    Task<LeaseResult> RenewLeaseAsync(string gatewayId, IVoiceSessionObserver observer);

    /// <summary>The owner reports a lifecycle step (Active once voice and Gemini are up, Reconnecting while either heals).</summary>
    [Alias("ReportState")]
    Task<LeaseResult> ReportStateAsync(string gatewayId, VoiceSessionState state);

    /// <summary>
    /// The gateway that handed the session over with its shard leaves what the receiver needs to carry the conversation
    /// on without losing the turn in flight, once it has closed its Gemini side. Accepted from the session's owner, or
    /// from the owner it was just taken over from; the handle, if any, becomes the session's.
    /// </summary>
    [Alias("HandOff")]
    Task HandOffAsync(string fromGatewayId, SessionHandoff handoff);

    /// <summary>
    /// The owner that took the session over collects what its previous owner left (once); null while nothing was left
    /// yet, or for anyone else.
    /// </summary>
    [Alias("TakeHandoff")]
    Task<SessionHandoff?> TakeHandoffAsync(string gatewayId);

    /// <summary>The owner records the newest resumable Gemini handle so another process can resume the conversation.</summary>
    [Alias("RecordResumptionHandle")]
    Task<LeaseResult> RecordResumptionHandleAsync(string gatewayId, string? handle);

    /// <summary>The owner adds counters and replaces the recent latency figures.</summary>
    [Alias("RecordStats")]
    Task<LeaseResult> RecordStatsAsync(string gatewayId, SessionUsage delta, LatencyFigures? latency);

    /// <summary>Asks the session to end (slash command, auto-leave, max duration); the owner is told through its observer.</summary>
    [Alias("Leave")]
    Task<VoiceSessionSnapshot> LeaveAsync(string reason);

    /// <summary>The owner confirms both sides are closed; the session becomes Idle and keeps its totals.</summary>
    [Alias("CompleteLeave")]
    Task<VoiceSessionSnapshot> CompleteLeaveAsync(string gatewayId, SessionUsage finalDelta);

    /// <summary>
    /// The owner ended the session on its own (Gemini or voice failed for good, the time limit, the bot was
    /// disconnected): both sides are closed and the users were told. The session becomes Idle with
    /// <paramref name="reason"/> and <paramref name="detail"/> as its end. Accepted from the owner, or from any
    /// gateway when nobody owns the session (its account is the only one); ignored when another gateway owns it.
    /// </summary>
    [Alias("RecordEnd")]
    Task<VoiceSessionSnapshot> RecordEndAsync(string gatewayId, SessionEndReason reason, string detail, SessionUsage finalDelta);

    /// <summary>Pushes new settings to the owner (called by the guild's settings grain).</summary>
    [Alias("NotifySettingsChanged")]
    Task NotifySettingsChangedAsync(Settings.GuildSettings settings);

    [ReadOnly, Alias("Get")]
    Task<VoiceSessionSnapshot> GetAsync();
}
