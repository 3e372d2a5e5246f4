using Chorus.Grains.Sessions;
using Orleans.Concurrency;

namespace Chorus.Grains.Usage;

/// <summary>
/// What one guild's conversations used today and this month (UTC calendar days and months), persisted, and its daily
/// budget. Fed by the guild's session grain with every counter delta it records. Key: the guild id.
/// </summary>
[Alias("chorus.IGuildUsageGrain")]
public interface IGuildUsageGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a priced delta to today and this month; returns the totals after it.</summary>
    [Alias("Record")]
    Task<GuildUsage> RecordAsync(SessionUsage delta);

    [ReadOnly, Alias("Get")]
    Task<GuildUsage> GetAsync();
}

/// <summary>A guild's usage on <paramref name="Day"/> and in the month it falls in, and the budget it runs under.</summary>
/// <param name="Day">The UTC day <paramref name="Today"/> counts.</param>
/// <param name="Today">Usage on <paramref name="Day"/>.</param>
/// <param name="Month">Usage in <paramref name="Day"/>'s UTC month.</param>
/// <param name="DailyBudgetUsd">The guild's daily budget, or null when it has none.</param>
[GenerateSerializer, Immutable, Alias("chorus.GuildUsage")]
public sealed record GuildUsage(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] SessionUsage Today,
    [property: Id(2)] SessionUsage Month,
    [property: Id(3)] decimal? DailyBudgetUsd)
{
    /// <summary>Whether today's estimated cost has reached the daily budget.</summary>
    public bool BudgetReached => DailyBudgetUsd is { } budget && Today.EstimatedCostUsd >= budget;
}
