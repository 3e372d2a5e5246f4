using Chorus.Grains.Sessions;
using Chorus.Grains.Usage;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Chorus.Grains.Tests;

/// <summary>A cluster that runs at most two Gemini sessions at once.</summary>
public sealed class CappedClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync() =>
        Cluster = await TestClusters.StartAsync(silo => silo.AddMemoryGrainStorageAsDefault(), time: Time,
            settings: new Dictionary<string, string?> { ["Usage:MaxConcurrentSessions"] = "2" });

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>One test: the cap is cluster-wide, so the steps share the cluster's two slots in order.</summary>
[EndToEnd]
public sealed class AdmissionTests(CappedClusterFixture fixture) : IClassFixture<CappedClusterFixture>
{
    [Fact]
    public async Task The_cap_refuses_with_a_message_and_every_end_path_gives_the_slot_back()
    {
        var (a, b, c, d) = (Session(), Session(), Session(), Session());
        Assert.Equal(JoinOutcome.Started, (await a.JoinAsync(new JoinRequest(1, "gw-a", 5))).Outcome);
        Assert.Equal(JoinOutcome.Started, (await b.JoinAsync(new JoinRequest(1, "gw-a", 5))).Outcome);

        // Full: a clear refusal, and the refused guild's session is left as it was.
        var full = await c.JoinAsync(new JoinRequest(1, "gw-a", 5));
        Assert.Equal(JoinOutcome.Full, full.Outcome);
        Assert.False(full.Accepted);
        Assert.Contains("as many conversations as I may run at once (2)", full.Error);
        Assert.Equal(VoiceSessionState.Idle, (await c.GetAsync()).State);
        // A session that holds a slot may still move or re-join.
        Assert.Equal(JoinOutcome.Moved, (await a.JoinAsync(new JoinRequest(2, "gw-a", 5))).Outcome);

        // The gateway's end (RecordEnd) frees a slot.
        await a.RecordEndAsync("gw-a", SessionEndReason.TimeLimit, "limit", SessionUsage.Zero);
        Assert.Equal(JoinOutcome.Started, (await c.JoinAsync(new JoinRequest(1, "gw-a", 5))).Outcome);
        Assert.Equal(JoinOutcome.Full, (await d.JoinAsync(new JoinRequest(1, "gw-a", 5))).Outcome);

        // A leave with no live owner ends the session there and then, and frees a slot.
        await b.LeaveAsync("test");
        Assert.Equal(JoinOutcome.Started, (await d.JoinAsync(new JoinRequest(1, "gw-a", 5))).Outcome);
        Assert.Equal(2, (await Admission.GetAsync()).Active);

        // A crashed gateway renews nothing: its slots lapse with its leases, and the cluster admits again.
        fixture.Time.Advance(TimeSpan.FromSeconds(46));
        Assert.Equal(0, (await Admission.GetAsync()).Active);
        var e = Session();
        Assert.Equal(JoinOutcome.Started, (await e.JoinAsync(new JoinRequest(1, "gw-b", 5))).Outcome);
        Assert.Equal(JoinOutcome.Started, (await Session().JoinAsync(new JoinRequest(1, "gw-b", 5))).Outcome);

        // A takeover carries an admitted conversation on even when the cluster is full.
        var takeover = await c.JoinAsync(new JoinRequest(1, "gw-b", 5));
        Assert.Equal(JoinOutcome.TookOver, takeover.Outcome);
        Assert.Equal(3, (await Admission.GetAsync()).Active);

        // Renewing keeps a slot past its first expiry; CompleteLeave gives it back.
        var observer = fixture.Client.CreateObjectReference<IVoiceSessionObserver>(new RecordingObserver());
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await e.RenewLeaseAsync("gw-b", observer);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, (await Admission.GetAsync()).Active);
        await e.CompleteLeaveAsync("gw-b", SessionUsage.Zero);
        Assert.Equal(0, (await Admission.GetAsync()).Active);
    }

    private ISessionAdmissionGrain Admission => fixture.Client.GetGrain<ISessionAdmissionGrain>(ISessionAdmissionGrain.ClusterKey);

    private IVoiceSessionGrain Session() => fixture.Client.GetGrain<IVoiceSessionGrain>(TestClusters.NewGuildId());
}
