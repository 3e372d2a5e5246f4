using System.Threading.Channels;
using Chorus.Gateway.Hosting;
using Chorus.Gateway.Sessions;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Grains.Sharding;
using Chorus.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Chorus.Gateway.Tests.Sessions;

/// <summary>One single-silo cluster with a fake clock for the silo's leases, shared by the tests of a class.</summary>
public sealed class LeaseClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider SiloTime { get; } = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorageAsDefault();
            SiloConfiguration.AddGrainServices(silo.Services, configuration);
            silo.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(SiloTime));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[EndToEnd]
public sealed class SessionLeaseKeeperTests(LeaseClusterFixture fixture) : IClassFixture<LeaseClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private InProcessTestCluster Cluster => fixture.Cluster;
    private FakeTimeProvider SiloTime => fixture.SiloTime;

    private Rig NewKeeper(string gatewayId, TimeSpan renewal) => NewKeeper(gatewayId, renewal, new RecordingHandler());

    private Rig NewKeeper(string gatewayId, TimeSpan renewal, ISessionControlHandler handler, ILogger<SessionLeaseKeeper>? keeperLog = null)
    {
        var keeper = new SessionLeaseKeeper(
            Cluster.Client, Options.Create(new GatewayOptions { Id = gatewayId }),
            Options.Create(new VoiceSessionOptions { RenewalInterval = renewal }), TimeProvider.System,
            keeperLog ?? NullLogger<SessionLeaseKeeper>.Instance);
        var log = new CapturingLogger<SessionControlDispatcher>();
        return new Rig(keeper, new SessionControlDispatcher(keeper, handler, log), handler as RecordingHandler, log);
    }

    [Fact]
    public async Task Tracking_renews_the_lease_periodically()
    {
        var guildId = Random.Shared.NextInt64(1, long.MaxValue);
        var grain = Cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        await grain.JoinAsync(new JoinRequest(10, "gw-1", 1));
        var (keeper, _, _, _) = NewKeeper("gw-1", TimeSpan.FromMilliseconds(50));
        var renewals = Channel.CreateUnbounded<LeaseResult?>();
        keeper.Renewed += (id, result) => { if (id == guildId) { renewals.Writer.TryWrite(result); } };
        await keeper.StartAsync(CancellationToken.None);

        var first = await keeper.TrackAsync(guildId);
        SiloTime.Advance(TimeSpan.FromSeconds(40));
        // The 50 ms timer runs on the real clock, so renewals may already have come before the advance (same expiry):
        // read on until one renewed on the advanced clock; every renewal on the way must have kept the lease.
        var seen = new List<LeaseResult?>();
        LeaseResult? periodic;
        do
        {
            periodic = await renewals.Reader.ReadAsync().AsTask().WaitAsync(Wait);
            seen.Add(periodic);
        }
        while (periodic is { Owned: true } && periodic.ExpiresAt <= first.ExpiresAt && seen.Count < 1000);
        await keeper.StopAsync(CancellationToken.None);
        keeper.Dispose();

        Assert.True(first.Owned);
        Assert.All(seen, renewal => Assert.True(renewal is { Owned: true }));
        Assert.True(periodic!.ExpiresAt > first.ExpiresAt);
    }

    [Fact]
    public async Task Leave_from_the_grain_reaches_the_handler_and_stops_tracking()
    {
        var guildId = Random.Shared.NextInt64(1, long.MaxValue);
        var grain = Cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        await grain.JoinAsync(new JoinRequest(10, "gw-1", 1));
        var (keeper, dispatcher, handler, _) = NewKeeper("gw-1", TimeSpan.FromSeconds(30));
        await keeper.StartAsync(CancellationToken.None);
        await dispatcher.StartAsync(CancellationToken.None);
        await keeper.TrackAsync(guildId);

        await grain.LeaveAsync("slash command");
        var leave = await handler!.Leaves.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        // The handler may call the grain back, as a real bridge does when it has closed both sides.
        var done = await grain.CompleteLeaveAsync("gw-1", SessionUsage.Zero).WaitAsync(Wait);
        await dispatcher.StopAsync(CancellationToken.None);
        await keeper.StopAsync(CancellationToken.None);
        keeper.Dispose();

        Assert.Equal((guildId, "slash command"), leave);
        Assert.DoesNotContain(guildId, keeper.TrackedGuilds);
        Assert.Equal(VoiceSessionState.Idle, done.State);
    }

    [Fact]
    public async Task Settings_changes_reach_the_handler()
    {
        var guildId = Random.Shared.NextInt64(1, long.MaxValue);
        await Cluster.Client.GetGrain<IVoiceSessionGrain>(guildId).JoinAsync(new JoinRequest(10, "gw-1", 1));
        var (keeper, dispatcher, handler, _) = NewKeeper("gw-1", TimeSpan.FromSeconds(30));
        await keeper.StartAsync(CancellationToken.None);
        await dispatcher.StartAsync(CancellationToken.None);
        await keeper.TrackAsync(guildId);

        await Cluster.Client.GetGrain<IGuildSettingsGrain>(guildId).SetPersonaAsync("New persona", 3);
        var pushed = await handler!.Settings.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        await dispatcher.StopAsync(CancellationToken.None);
        await keeper.StopAsync(CancellationToken.None);
        keeper.Dispose();

        Assert.Equal(guildId, pushed.GuildId);
        Assert.Equal("New persona", pushed.Settings.Persona);
    }

    [Fact]
    public async Task A_session_handed_over_is_logged_as_a_handover_not_as_a_lost_lease()
    {
        var guildId = Random.Shared.NextInt64(1, long.MaxValue);
        var grain = Cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        await grain.JoinAsync(new JoinRequest(10, "gw-old", 1));
        var log = new CapturingLogger<SessionLeaseKeeper>();
        var (keeper, dispatcher, handler, _) = NewKeeper("gw-old", TimeSpan.FromMinutes(5), new RecordingHandler(), log);
        await keeper.StartAsync(CancellationToken.None);
        await dispatcher.StartAsync(CancellationToken.None);
        await keeper.TrackAsync(guildId);

        // A rolling restart: the shard and its session are handed to another gateway, which takes the session over.
        keeper.MarkHandedOver(guildId);
        const int shardCount = 4096;
        var shardId = (int)(((ulong)guildId >> 22) % shardCount);
        Assert.True((await Cluster.Client.GetGrain<IShardLeaseGrain>(shardId).AcquireAsync("gw-new")).Granted);
        Assert.Equal(JoinOutcome.TookOver, (await grain.TakeOverAsync("gw-new", shardId, shardCount)).Outcome);
        await keeper.RenewAllAsync();
        var lost = await handler!.Lost.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        await dispatcher.StopAsync(CancellationToken.None);
        await keeper.StopAsync(CancellationToken.None);
        keeper.Dispose();

        Assert.Equal(guildId, lost.GuildId);
        Assert.Contains(log.Lines, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("session handed over", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_takeover_by_another_gateway_is_reported_as_lease_lost()
    {
        var guildId = Random.Shared.NextInt64(1, long.MaxValue);
        var grain = Cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        await grain.JoinAsync(new JoinRequest(10, "gw-old", 1));
        var (keeper, dispatcher, handler, _) = NewKeeper("gw-old", TimeSpan.FromMinutes(5));
        await keeper.StartAsync(CancellationToken.None);
        await dispatcher.StartAsync(CancellationToken.None);
        await keeper.TrackAsync(guildId);

        // The old gateway was presumed dead (no renewal for longer than the lease) and another took over.
        SiloTime.Advance(TimeSpan.FromSeconds(60));
        var takeover = await grain.JoinAsync(new JoinRequest(10, "gw-new", 1));
        await keeper.RenewAllAsync();
        var lost = await handler!.Lost.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        await dispatcher.StopAsync(CancellationToken.None);
        await keeper.StopAsync(CancellationToken.None);
        keeper.Dispose();

        Assert.Equal(JoinOutcome.TookOver, takeover.Outcome);
        Assert.Equal(guildId, lost.GuildId);
        Assert.Contains("gw-new", lost.Reason);
        Assert.DoesNotContain(guildId, keeper.TrackedGuilds);
    }

    /// <summary>A running keeper and dispatcher whose handler is in the middle of a Leave the grain pushed.</summary>
    private async Task<(LeaveUntilCancelledHandler Handler, SessionLeaseKeeper Keeper, SessionControlDispatcher Dispatcher, CapturingLogger<SessionControlDispatcher> Log)> LeaveInProgressAsync()
    {
        var guildId = Random.Shared.NextInt64(1, long.MaxValue);
        var grain = Cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        await grain.JoinAsync(new JoinRequest(10, "gw-1", 1));
        var handler = new LeaveUntilCancelledHandler();
        var (keeper, dispatcher, _, log) = NewKeeper("gw-1", TimeSpan.FromSeconds(30), handler);
        await keeper.StartAsync(CancellationToken.None);
        await dispatcher.StartAsync(CancellationToken.None);
        await keeper.TrackAsync(guildId);

        await grain.LeaveAsync("slash command");
        await handler.Entered.Task.WaitAsync(Wait);
        return (handler, keeper, dispatcher, log);
    }

    [Fact]
    public async Task A_leave_cut_short_by_the_process_stopping_is_not_logged_as_a_failure()
    {
        // The sandbox's race, in order: the grain pushes Leave, the runner starts ending the session, the process
        // is asked to stop while the runner tells Discord the bot left, and that last step sees the cancellation.
        var (handler, keeper, dispatcher, log) = await LeaveInProgressAsync();
        await dispatcher.StopAsync(CancellationToken.None).WaitAsync(Wait);
        await keeper.StopAsync(CancellationToken.None);
        keeper.Dispose();

        Assert.True(handler.SawCancellation.Task.IsCompletedSuccessfully, "the leave was cut short by the stop");
        Assert.DoesNotContain(log.Lines, line => line.StartsWith("Warning ", StringComparison.Ordinal) || line.StartsWith("Error ", StringComparison.Ordinal));
        Assert.Contains(log.Lines, line => line.StartsWith("Debug ", StringComparison.Ordinal) && line.Contains("Leave", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_failure_that_is_not_a_stop_is_logged_as_an_error()
    {
        var (handler, keeper, dispatcher, log) = await LeaveInProgressAsync();
        // A cancellation the process did not ask for (a timeout inside the handler) is a real failure.
        handler.FailWith(new TaskCanceledException("Discord did not answer"));
        await Chorus.TestSupport.Wait.UntilAsync(() => log.Lines.Count > 0, log.Changed, Wait, () => "the failure to be logged");
        var logged = log.Lines[0];
        await dispatcher.StopAsync(CancellationToken.None);
        await keeper.StopAsync(CancellationToken.None);
        keeper.Dispose();

        Assert.StartsWith("Error ", logged, StringComparison.Ordinal);
        Assert.Contains(nameof(TaskCanceledException), logged, StringComparison.Ordinal);
    }

    private sealed record Rig(SessionLeaseKeeper Keeper, SessionControlDispatcher Dispatcher, RecordingHandler? Handler, CapturingLogger<SessionControlDispatcher> Log);

    /// <summary>Acts on Leave as the runner does at its last step: it waits on Discord with the dispatcher's token.</summary>
    private sealed class LeaveUntilCancelledHandler : ISessionControlHandler
    {
        private readonly TaskCompletionSource _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void FailWith(Exception error) => _failure.TrySetException(error);

        public async Task LeaveRequestedAsync(long guildId, string reason, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            try
            {
                await _failure.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                SawCancellation.TrySetResult();
                throw;
            }
        }

        public Task SettingsChangedAsync(long guildId, GuildSettings settings, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task LeaseLostAsync(long guildId, string? reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class RecordingHandler : ISessionControlHandler
    {
        public Channel<(long, string)> Leaves { get; } = Channel.CreateUnbounded<(long, string)>();

        public Channel<(long GuildId, GuildSettings Settings)> Settings { get; } = Channel.CreateUnbounded<(long, GuildSettings)>();

        public Channel<(long GuildId, string? Reason)> Lost { get; } = Channel.CreateUnbounded<(long, string?)>();

        public Task LeaveRequestedAsync(long guildId, string reason, CancellationToken cancellationToken) =>
            Leaves.Writer.WriteAsync((guildId, reason), cancellationToken).AsTask();

        public Task SettingsChangedAsync(long guildId, GuildSettings settings, CancellationToken cancellationToken) =>
            Settings.Writer.WriteAsync((guildId, settings), cancellationToken).AsTask();

        public Task LeaseLostAsync(long guildId, string? reason, CancellationToken cancellationToken) =>
            Lost.Writer.WriteAsync((guildId, reason), cancellationToken).AsTask();
    }
}
