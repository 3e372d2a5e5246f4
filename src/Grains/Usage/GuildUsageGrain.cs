using Chorus.Grains.Sessions;
using Microsoft.Extensions.Options;

namespace Chorus.Grains.Usage;

/// <summary>The persisted totals of one guild: one UTC day and one UTC month, each restarting from zero when it changes.</summary>
[GenerateSerializer, Alias("chorus.GuildUsageRecord")]
public sealed class GuildUsageRecord
{
    [Id(0)] public DateOnly Day { get; set; }
    [Id(1)] public SessionUsage Today { get; set; } = SessionUsage.Zero;
    [Id(2)] public SessionUsage Month { get; set; } = SessionUsage.Zero;
}

[GrainType("guild-usage")]
public sealed class GuildUsageGrain(
    [PersistentState("usage", GrainStorageNames.Default)] IPersistentState<GuildUsageRecord> state,
    IOptions<UsageOptions> options,
    TimeProvider time) : Grain, IGuildUsageGrain
{
    public async Task<GuildUsage> RecordAsync(SessionUsage delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var current = Current();
        state.State.Day = current.Day;
        state.State.Today = current.Today.Add(delta);
        state.State.Month = current.Month.Add(delta);
        await state.WriteStateAsync();
        return Report(state.State.Day, state.State.Today, state.State.Month);
    }

    public Task<GuildUsage> GetAsync()
    {
        var current = Current();
        return Task.FromResult(Report(current.Day, current.Today, current.Month));
    }

    /// <summary>The stored totals as of now: a new day starts today at zero, a new month the month too.</summary>
    private (DateOnly Day, SessionUsage Today, SessionUsage Month) Current()
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var stored = state.State;
        if (stored.Day == today)
        {
            return (today, stored.Today, stored.Month);
        }

        var sameMonth = stored.Day.Year == today.Year && stored.Day.Month == today.Month;
        return (today, SessionUsage.Zero, sameMonth ? stored.Month : SessionUsage.Zero);
    }

    private GuildUsage Report(DateOnly day, SessionUsage today, SessionUsage month) =>
        new(day, today, month, options.Value.DailyBudgetFor(this.GetPrimaryKeyLong()));
}
