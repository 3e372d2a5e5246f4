using Microsoft.Extensions.Logging;

namespace Chorus.Grains.Sharding;

/// <summary>
/// Hands out identify slots one call at a time (non-reentrant): a slot is the later of now and the bucket's next free
/// time, and each slot pushes the bucket's next free time one interval on. Past the window's session starts, the next
/// slot waits for the window to reset (identifying past the budget gets the bot's token reset).
/// </summary>
[GrainType("identify-queue")]
public sealed class IdentifyQueueGrain(
    [PersistentState("identify", GrainStorageNames.Default)] IPersistentState<IdentifyQueueRecord> state,
    TimeProvider time,
    ILogger<IdentifyQueueGrain> logger) : Grain, IIdentifyQueueGrain
{
    /// <summary>Waited beyond a window's reset before the first identify of the next window.</summary>
    public static readonly TimeSpan ResetMargin = TimeSpan.FromSeconds(1);

    private IdentifyQueueRecord Record => state.State;

    public async Task<TimeSpan> ReserveAsync(int shardId, IdentifyBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        var now = time.GetUtcNow();
        AdoptWindow(budget, now);

        var bucket = shardId % Math.Max(1, budget.MaxConcurrency);
        var slot = Record.NextSlot.TryGetValue(bucket, out var next) && next > now ? next : now;
        if (Record.Remaining is <= 0 && Record.ResetsAt is { } reset)
        {
            logger.LogWarning("Identify of shard {ShardId} waits for the session-start window to reset at {Reset}", shardId, reset);
            slot = slot > reset + ResetMargin ? slot : reset + ResetMargin;
        }

        if (Record.ResetsAt is { } end && slot >= end)
        {
            // The slot falls in the next window, whose budget nobody knows yet: the next report sets it.
            Record.Remaining = null;
            Record.ResetsAt = null;
        }

        Record.NextSlot[bucket] = slot + budget.Interval;
        if (Record.Remaining is int left)
        {
            Record.Remaining = left - 1;
        }

        await state.WriteStateAsync();
        return slot - now;
    }

    /// <summary>
    /// The lower count wins within one window: each gateway reports what GET /gateway/bot said when it started, and the
    /// starts counted here since then are newer than any such report. A report of a later window replaces it.
    /// </summary>
    private void AdoptWindow(IdentifyBudget budget, DateTimeOffset now)
    {
        if (Record.ResetsAt is { } known && now >= known)
        {
            Record.Remaining = null;
            Record.ResetsAt = null;
        }

        if (budget.Remaining is not int reported || budget.ResetsAt is not { } resetsAt || resetsAt <= now)
        {
            return;
        }

        if (Record.ResetsAt is not { } current || resetsAt > current + TimeSpan.FromMinutes(1))
        {
            Record.Remaining = reported;
            Record.ResetsAt = resetsAt;
        }
        else if (reported < Record.Remaining)
        {
            Record.Remaining = reported;
        }
    }
}
