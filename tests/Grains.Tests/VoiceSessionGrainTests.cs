using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Grains.Tests;

[EndToEnd]
public sealed class VoiceSessionGrainTests(MemoryClusterFixture fixture) : IClassFixture<MemoryClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private (long Id, IVoiceSessionGrain Grain) NewSession()
    {
        var id = TestClusters.NewGuildId();
        return (id, fixture.Client.GetGrain<IVoiceSessionGrain>(id));
    }

    [Fact]
    public async Task First_join_starts_a_session_with_the_guild_settings()
    {
        var (id, session) = NewSession();
        await fixture.Client.GetGrain<IGuildSettingsGrain>(id).SetPersonaAsync("A calm librarian.", 5);

        var result = await session.JoinAsync(new JoinRequest(ChannelId: 100, GatewayId: "gw-a", RequestedBy: 5));

        Assert.Equal(JoinOutcome.Started, result.Outcome);
        Assert.Equal(VoiceSessionState.Joining, result.Session.State);
        Assert.Equal(100UL, result.Session.ChannelId);
        Assert.Equal("gw-a", result.Session.OwnerGatewayId);
        Assert.Equal("A calm librarian.", result.Settings!.Persona);
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromSeconds(45), result.Session.LeaseExpiresAt);
    }

    [Fact]
    public async Task Join_is_idempotent_for_the_same_channel_and_gateway()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));
        await session.ReportStateAsync("gw-a", VoiceSessionState.Active);

        var again = await session.JoinAsync(new JoinRequest(100, "gw-a", 6));

        Assert.Equal(JoinOutcome.AlreadyJoined, again.Outcome);
        Assert.Equal(VoiceSessionState.Active, again.Session.State);
        Assert.Equal(100UL, again.Session.ChannelId);
    }

    [Fact]
    public async Task Join_to_another_channel_is_a_move()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));
        await session.RecordResumptionHandleAsync("gw-a", "handle-1");

        var moved = await session.JoinAsync(new JoinRequest(200, "gw-a", 5));

        Assert.Equal(JoinOutcome.Moved, moved.Outcome);
        Assert.Equal(200UL, moved.Session.ChannelId);
        Assert.Equal("handle-1", moved.Session.ResumptionHandle);
    }

    [Fact]
    public async Task A_second_gateway_cannot_take_a_session_whose_lease_is_live()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        var other = await session.JoinAsync(new JoinRequest(100, "gw-b", 5));
        var renewByOther = await session.RenewLeaseAsync("gw-b", new RecordingObserverRef(fixture).Reference);

        Assert.Equal(JoinOutcome.LeaseConflict, other.Outcome);
        Assert.False(other.Accepted);
        Assert.Contains("gw-a", other.Error);
        Assert.Equal("gw-a", (await session.GetAsync()).OwnerGatewayId);
        Assert.False(renewByOther.Owned);
    }

    [Fact]
    public async Task Renewal_keeps_the_lease_alive_past_its_first_expiry()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));
        var observer = new RecordingObserverRef(fixture);

        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        var renewed = await session.RenewLeaseAsync("gw-a", observer.Reference);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        var other = await session.JoinAsync(new JoinRequest(100, "gw-b", 5));

        Assert.True(renewed.Owned);
        Assert.Equal(JoinOutcome.LeaseConflict, other.Outcome);
    }

    [Fact]
    public async Task Lease_expiry_lets_another_gateway_take_over_with_the_resumption_handle()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));
        await session.ReportStateAsync("gw-a", VoiceSessionState.Active);
        await session.RecordResumptionHandleAsync("gw-a", "resume-me");

        fixture.Time.Advance(TimeSpan.FromSeconds(46));
        var takeover = await session.JoinAsync(new JoinRequest(100, "gw-b", 0));
        var oldOwner = await session.RenewLeaseAsync("gw-a", new RecordingObserverRef(fixture).Reference);

        Assert.Equal(JoinOutcome.TookOver, takeover.Outcome);
        Assert.Equal("gw-b", takeover.Session.OwnerGatewayId);
        Assert.Equal("resume-me", takeover.Session.ResumptionHandle);
        Assert.Equal(1, takeover.Session.Current.Reconnects);
        Assert.False(oldOwner.Owned);
    }

    [Fact]
    public async Task Leave_reaches_the_owner_through_its_observer_and_completion_records_the_counters()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));
        var observer = new RecordingObserverRef(fixture);
        await session.RenewLeaseAsync("gw-a", observer.Reference);
        await session.RecordStatsAsync("gw-a", new SessionUsage(Turns: 3, AudioSecondsIn: 12.5), null);

        var leaving = await session.LeaveAsync("slash command");
        var reason = await observer.Local.LeaveReasons.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var done = await session.CompleteLeaveAsync("gw-a", new SessionUsage(Turns: 1, TokensOut: 100));

        Assert.Equal(VoiceSessionState.Leaving, leaving.State);
        Assert.Equal("slash command", reason);
        Assert.Equal(VoiceSessionState.Idle, done.State);
        Assert.Null(done.OwnerGatewayId);
        Assert.Null(done.ChannelId);
        Assert.Equal(4, done.Current.Turns);
        Assert.Equal(4, done.Lifetime.Turns);
        Assert.Equal(100, done.Lifetime.TokensOut);
        Assert.Equal(12.5, done.Lifetime.AudioSecondsIn);
    }

    [Fact]
    public async Task Leave_without_a_live_owner_ends_the_session_at_once()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        var result = await session.LeaveAsync("auto-leave");

        Assert.Equal(VoiceSessionState.Idle, result.State);
        Assert.Equal("auto-leave", result.LastLeaveReason);
    }

    [Fact]
    public async Task An_owner_records_why_its_session_ended_and_the_snapshot_shows_it()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5, OriginChannelId: 555));
        await session.ReportStateAsync("gw-a", VoiceSessionState.Active);
        await session.RecordStatsAsync("gw-a", new SessionUsage(Turns: 2), null);

        var ended = await session.RecordEndAsync("gw-a", SessionEndReason.GeminiFailed, "I lost my connection to Gemini.", new SessionUsage(Turns: 1));
        var read = await session.GetAsync();

        Assert.Equal(read, ended);
        Assert.Equal(VoiceSessionState.Idle, read.State);
        Assert.True(read.HasEnded);
        Assert.Equal(SessionEndReason.GeminiFailed, read.EndReason);
        Assert.Equal(fixture.Time.GetUtcNow(), read.EndedAt);
        Assert.Equal("I lost my connection to Gemini.", read.LastLeaveReason);
        Assert.Equal(555UL, read.OriginChannelId);
        Assert.Equal(3, read.Current.Turns);
        Assert.Null(read.OwnerGatewayId);
    }

    [Fact]
    public async Task A_new_session_after_an_ended_one_starts_normally_and_forgets_the_old_end()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5, OriginChannelId: 555));
        await session.RecordEndAsync("gw-a", SessionEndReason.TimeLimit, "limit", SessionUsage.Zero);

        var again = await session.JoinAsync(new JoinRequest(200, "gw-b", 6, OriginChannelId: 777));

        Assert.Equal(JoinOutcome.Started, again.Outcome);
        Assert.Equal(VoiceSessionState.Joining, again.Session.State);
        Assert.Equal("gw-b", again.Session.OwnerGatewayId);
        Assert.Equal(777UL, again.Session.OriginChannelId);
        Assert.Null(again.Session.EndReason);
        Assert.Null(again.Session.EndedAt);
        Assert.False(again.Session.HasEnded);
    }

    [Fact]
    public async Task An_end_reported_by_a_gateway_that_no_longer_owns_the_session_is_ignored()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        var result = await session.RecordEndAsync("gw-old", SessionEndReason.VoiceLost, "lost", new SessionUsage(Turns: 9));

        Assert.Equal(VoiceSessionState.Joining, result.State);
        Assert.Equal("gw-a", result.OwnerGatewayId);
        Assert.Null(result.EndReason);
        Assert.Equal(0, result.Current.Turns);
    }

    [Fact]
    public async Task A_leave_that_completes_is_recorded_as_left()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        var done = await session.LeaveAsync("/leave by 5");

        Assert.Equal(SessionEndReason.Left, done.EndReason);
        Assert.NotNull(done.EndedAt);
    }

    [Fact]
    public async Task Settings_changes_are_pushed_to_the_owner()
    {
        var (id, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));
        var observer = new RecordingObserverRef(fixture);
        await session.RenewLeaseAsync("gw-a", observer.Reference);

        await fixture.Client.GetGrain<IGuildSettingsGrain>(id).SetVoiceAsync("Charon", 9);
        var pushed = await observer.Local.Settings.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        Assert.Equal("Charon", pushed.VoiceName);
        Assert.Equal(9UL, pushed.ChangedBy);
    }

    [Fact]
    public async Task Only_the_owner_may_report_state_handles_and_stats()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        var state = await session.ReportStateAsync("gw-x", VoiceSessionState.Active);
        var handle = await session.RecordResumptionHandleAsync("gw-x", "stolen");
        var stats = await session.RecordStatsAsync("gw-x", new SessionUsage(Turns: 99), null);
        var snapshot = await session.GetAsync();

        Assert.False(state.Owned);
        Assert.False(handle.Owned);
        Assert.False(stats.Owned);
        Assert.Equal(VoiceSessionState.Joining, snapshot.State);
        Assert.Null(snapshot.ResumptionHandle);
        Assert.Equal(0, snapshot.Current.Turns);
    }

    [Fact]
    public async Task Rejoining_after_a_leave_starts_a_fresh_conversation()
    {
        var (_, session) = NewSession();
        await session.JoinAsync(new JoinRequest(100, "gw-a", 5));
        await session.RecordResumptionHandleAsync("gw-a", "old");
        await session.RecordStatsAsync("gw-a", new SessionUsage(Turns: 2), null);
        await session.LeaveAsync("done");

        var again = await session.JoinAsync(new JoinRequest(100, "gw-a", 5));

        Assert.Equal(JoinOutcome.Started, again.Outcome);
        Assert.Null(again.Session.ResumptionHandle);
        Assert.Equal(0, again.Session.Current.Turns);
        Assert.Equal(2, again.Session.Lifetime.Turns);
    }

    /// <summary>An observer object plus the grain reference the client made for it (kept alive by this holder).</summary>
    private sealed class RecordingObserverRef
    {
        public RecordingObserverRef(MemoryClusterFixture fixture)
        {
            Local = new RecordingObserver();
            Reference = fixture.Client.CreateObjectReference<IVoiceSessionObserver>(Local);
        }

        public RecordingObserver Local { get; }

        public IVoiceSessionObserver Reference { get; }
    }
}
