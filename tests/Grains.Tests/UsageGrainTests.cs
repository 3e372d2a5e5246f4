using Chorus.Grains.Sessions;
using Chorus.Grains.Usage;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Chorus.Grains.Tests;

/// <summary>A cluster whose guilds have a daily budget of one cent, except <see cref="GenerousGuildId"/> ($100).</summary>
public sealed class BudgetClusterFixture : IAsyncLifetime
{
    public const long GenerousGuildId = 424_242;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync() =>
        Cluster = await TestClusters.StartAsync(silo => silo.AddMemoryGrainStorageAsDefault(), time: Time,
            settings: new Dictionary<string, string?>
            {
                ["Usage:DailyBudgetUsd"] = "0.01",
                [$"Usage:GuildDailyBudgetsUsd:{GenerousGuildId}"] = "100",
            });

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[EndToEnd]
public sealed class UsageGrainTests(BudgetClusterFixture fixture) : IClassFixture<BudgetClusterFixture>
{
    /// <summary>
    /// 8,000 audio and 2,000 text tokens in, 2,000 audio tokens out, at the default prices ($3, $0.75 and $12 per
    /// million): 0.024 + 0.0015 + 0.024 = $0.0495.
    /// </summary>
    private static readonly SessionUsage OneTurn = new(
        Turns: 1, AudioSecondsIn: 250, AudioSecondsOut: 80, TokensIn: 10_000, TokensOut: 2_000, PromptAudioTokens: 8_000, ResponseAudioTokens: 2_000);

    private const decimal OneTurnCost = 0.0495m;

    [Fact]
    public async Task Reported_usage_is_priced_and_added_to_the_session_today_and_this_month()
    {
        var id = TestClusters.NewGuildId();
        var session = fixture.Client.GetGrain<IVoiceSessionGrain>(id);
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        await session.RecordStatsAsync("gw-a", OneTurn, null);
        await session.RecordEndAsync("gw-a", SessionEndReason.Left, "test", OneTurn with { Turns = 0, AudioSecondsIn = 10 });

        var ended = await session.GetAsync();
        var usage = await fixture.Client.GetGrain<IGuildUsageGrain>(id).GetAsync();
        Assert.Equal(2 * OneTurnCost, ended.Current.EstimatedCostUsd);
        Assert.Equal(2 * OneTurnCost, usage.Today.EstimatedCostUsd);
        Assert.Equal(2 * OneTurnCost, usage.Month.EstimatedCostUsd);
        Assert.Equal(260, usage.Today.AudioSecondsIn);
        Assert.Equal(16_000, usage.Today.PromptAudioTokens);
        Assert.Equal(4_000, usage.Today.PromptTextTokens);
        Assert.Equal(DateOnly.FromDateTime(fixture.Time.GetUtcNow().UtcDateTime), usage.Day);
    }

    [Fact]
    public async Task A_spent_budget_ends_the_session_refuses_new_ones_until_the_next_utc_day()
    {
        var id = TestClusters.NewGuildId();
        var session = fixture.Client.GetGrain<IVoiceSessionGrain>(id);
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        var report = await session.RecordStatsAsync("gw-a", OneTurn, null);
        await session.RecordEndAsync("gw-a", SessionEndReason.BudgetReached, "budget", SessionUsage.Zero);
        var refused = await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        Assert.Equal(0.01m, report.DailyBudgetReachedUsd);
        Assert.True(report.Owned);
        Assert.Equal(JoinOutcome.OverBudget, refused.Outcome);
        Assert.False(refused.Accepted);
        Assert.Contains("daily budget", refused.Error);
        Assert.Contains("$0.01", refused.Error);
        Assert.Equal(VoiceSessionState.Idle, refused.Session.State);
        Assert.Equal(SessionEndReason.BudgetReached, refused.Session.EndReason);

        // The day is UTC: at midnight the guild starts the new day at zero (and the month keeps what was used).
        var now = fixture.Time.GetUtcNow();
        fixture.Time.Advance(now.Date.AddDays(1) - now.UtcDateTime + TimeSpan.FromMinutes(1));
        var nextDay = await session.JoinAsync(new JoinRequest(100, "gw-a", 5));
        var usage = await fixture.Client.GetGrain<IGuildUsageGrain>(id).GetAsync();

        Assert.Equal(JoinOutcome.Started, nextDay.Outcome);
        Assert.Equal(0m, usage.Today.EstimatedCostUsd);
        Assert.Equal(OneTurnCost, usage.Month.EstimatedCostUsd);
        await session.RecordEndAsync("gw-a", SessionEndReason.Left, "test", SessionUsage.Zero);
    }

    [Fact]
    public async Task A_guild_budget_overrides_the_default()
    {
        var session = fixture.Client.GetGrain<IVoiceSessionGrain>(BudgetClusterFixture.GenerousGuildId);
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        var report = await session.RecordStatsAsync("gw-a", OneTurn, null);
        var usage = await fixture.Client.GetGrain<IGuildUsageGrain>(BudgetClusterFixture.GenerousGuildId).GetAsync();
        await session.RecordEndAsync("gw-a", SessionEndReason.Left, "test", SessionUsage.Zero);

        Assert.Null(report.DailyBudgetReachedUsd);
        Assert.Equal(100m, usage.DailyBudgetUsd);
        Assert.False(usage.BudgetReached);
    }

    [Fact]
    public async Task A_new_month_starts_the_month_at_zero()
    {
        var id = TestClusters.NewGuildId();
        var usage = fixture.Client.GetGrain<IGuildUsageGrain>(id);
        await usage.RecordAsync(new SessionUsage(TokensIn: 100, EstimatedCostUsd: 0.001m));
        var now = fixture.Time.GetUtcNow().UtcDateTime;
        var firstOfNextMonth = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
        fixture.Time.Advance(firstOfNextMonth - now + TimeSpan.FromSeconds(1));

        var after = await usage.GetAsync();
        await usage.RecordAsync(new SessionUsage(TokensIn: 7, EstimatedCostUsd: 0.002m));
        var recorded = await usage.GetAsync();

        Assert.Equal(DateOnly.FromDateTime(firstOfNextMonth), after.Day);
        Assert.Equal(SessionUsage.Zero, after.Month);
        Assert.Equal(7, recorded.Month.TokensIn);
        Assert.Equal(0.002m, recorded.Today.EstimatedCostUsd);
    }
}
