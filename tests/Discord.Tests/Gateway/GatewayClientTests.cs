using Chorus.Discord.Diagnostics;
using Chorus.Discord.Gateway;
using Chorus.Discord.Models;

namespace Chorus.Discord.Tests.Gateway;

[EndToEnd]
public sealed class GatewayClientTests
{
    private static readonly TimeSpan Timeout = EmulatorRig.Timeout;

    [Fact]
    public async Task Connects_identifies_with_voice_intents_and_caches_the_guild_voice_states()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var guilds = new EventProbe<DiscordGuild>();
        client.GuildCreated += guilds.Add;

        await client.StartAsync().WaitAsync(Timeout);
        var guild = await guilds.WaitForAsync(g => g.Id == EmulatorRig.GuildId, Timeout);

        var identify = Assert.Single(rig.Emulator.Identifies.Snapshot());
        Assert.True(identify.TokenValid);
        Assert.Equal(129, identify.Intents);
        Assert.Equal((0, 1), (identify.ShardId, identify.ShardCount));
        Assert.Equal(rig.Emulator.Options.BotUserId, client.UserId);
        Assert.Equal(rig.Emulator.Options.ApplicationId, client.ApplicationId);
        Assert.Equal(identify.SessionId, client.SessionId);
        Assert.Contains(guild.Channels, c => c.Id == EmulatorRig.VoiceChannelId && c.IsVoice);
        Assert.Equal(EmulatorRig.VoiceChannelId, client.Cache.Get(EmulatorRig.GuildId)?.GetUserVoiceChannel(EmulatorRig.AliceId));
    }

    [Fact]
    public async Task Voice_state_updates_reach_the_cache_and_the_event()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var states = new EventProbe<DiscordVoiceState>();
        client.VoiceStateUpdated += states.Add;
        await client.StartAsync().WaitAsync(Timeout);

        await rig.Emulator.UserJoinsVoiceAsync(EmulatorRig.GuildId, EmulatorRig.BobId, EmulatorRig.OtherVoiceChannelId);
        await states.WaitForAsync(s => s.UserId == EmulatorRig.BobId, Timeout);
        Assert.Equal(EmulatorRig.OtherVoiceChannelId, client.Cache.Get(EmulatorRig.GuildId)?.GetUserVoiceChannel(EmulatorRig.BobId));

        await rig.Emulator.UserLeavesVoiceAsync(EmulatorRig.GuildId, EmulatorRig.AliceId);
        await states.WaitForAsync(s => s.UserId == EmulatorRig.AliceId && s.ChannelId is null, Timeout);
        Assert.Null(client.Cache.Get(EmulatorRig.GuildId)?.GetUserVoiceChannel(EmulatorRig.AliceId));
    }

    [Fact]
    public async Task Heartbeats_carry_the_sequence_and_are_acknowledged()
    {
        await using var rig = await EmulatorRig.StartAsync(heartbeatMs: 300);
        var client = rig.NewClient();
        await client.StartAsync().WaitAsync(Timeout);

        var beats = await rig.Emulator.Heartbeats.WaitForCountAsync(3, Timeout, h => h.Seq is not null);
        Assert.All(beats, b => Assert.True(b.Acked));
        Assert.True(beats[^1].Seq >= 2, "READY and GUILD_CREATE were dispatched, so the heartbeat must carry seq >= 2");
        while (rig.Totals.Total(DiscordMetrics.GatewayHeartbeatsName, MetricTag.Receive) < 2 || client.HeartbeatLatency is null)
        {
            await rig.Emulator.Heartbeats.WaitForCountAsync(rig.Emulator.Heartbeats.Count + 1, Timeout);
        }

        Assert.Equal(0, rig.Totals.Total(DiscordMetrics.GatewayZombiesName));
    }

    [Fact]
    public async Task Server_heartbeat_request_is_answered_immediately()
    {
        // Interval far beyond the test: any heartbeat seen must be the answer to op 1.
        await using var rig = await EmulatorRig.StartAsync(heartbeatMs: 600_000);
        var client = rig.NewClient();
        await client.StartAsync().WaitAsync(Timeout);

        await rig.Emulator.RequestHeartbeatAsync();
        var beat = await rig.Emulator.Heartbeats.WaitForAsync(_ => true, Timeout);
        Assert.True(beat.Seq >= 1);
    }

    [Fact]
    public async Task Missing_heartbeat_ack_is_a_zombie_and_the_client_resumes()
    {
        await using var rig = await EmulatorRig.StartAsync(heartbeatMs: 100);
        var client = rig.NewClient();
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Resumed += () => resumed.TrySetResult();
        await client.StartAsync().WaitAsync(Timeout);
        await rig.Emulator.Heartbeats.WaitForAsync(h => h.Acked, Timeout);

        rig.Emulator.StopAcking = true;
        await rig.Emulator.Heartbeats.WaitForAsync(h => !h.Acked, Timeout);
        var resume = await rig.Emulator.Resumes.WaitForAsync(r => r.Accepted, Timeout);
        rig.Emulator.StopAcking = false;
        await resumed.Task.WaitAsync(Timeout);

        Assert.True(rig.Totals.Total(DiscordMetrics.GatewayZombiesName) >= 1);
        Assert.Equal(client.SessionId, resume.SessionId);
        Assert.Single(rig.Emulator.Identifies.Snapshot());
    }

    [Fact]
    public async Task Dropped_socket_resumes_and_missed_events_are_replayed_exactly_once()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var states = new EventProbe<DiscordVoiceState>();
        client.VoiceStateUpdated += states.Add;
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Resumed += () => resumed.TrySetResult();
        await client.StartAsync().WaitAsync(Timeout);

        await rig.Emulator.UserJoinsVoiceAsync(EmulatorRig.GuildId, EmulatorRig.BobId, EmulatorRig.VoiceChannelId);
        await states.WaitForAsync(s => s.UserId == EmulatorRig.BobId, Timeout);

        rig.Emulator.DropConnections();
        await rig.Emulator.UserJoinsVoiceAsync(EmulatorRig.GuildId, EmulatorRig.AliceId, EmulatorRig.OtherVoiceChannelId);
        await rig.Emulator.UserLeavesVoiceAsync(EmulatorRig.GuildId, EmulatorRig.BobId);
        await resumed.Task.WaitAsync(Timeout);
        await states.WaitForAsync(s => s.UserId == EmulatorRig.BobId && s.ChannelId is null, Timeout);

        var resume = Assert.Single(rig.Emulator.Resumes.Snapshot());
        Assert.True(resume.Accepted);
        Assert.Equal(2, resume.Replayed);
        Assert.Single(rig.Emulator.Identifies.Snapshot());
        Assert.Single(states.Items, s => s.UserId == EmulatorRig.BobId && s.ChannelId == EmulatorRig.VoiceChannelId);
        Assert.Single(states.Items, s => s.UserId == EmulatorRig.AliceId && s.ChannelId == EmulatorRig.OtherVoiceChannelId);
        Assert.Single(states.Items, s => s.UserId == EmulatorRig.BobId && s.ChannelId is null);
        Assert.Equal(EmulatorRig.OtherVoiceChannelId, client.Cache.Get(EmulatorRig.GuildId)?.GetUserVoiceChannel(EmulatorRig.AliceId));
    }

    [Fact]
    public async Task Reconnect_request_op7_resumes_the_session()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Resumed += () => resumed.TrySetResult();
        await client.StartAsync().WaitAsync(Timeout);
        var session = client.SessionId;

        await rig.Emulator.RequestReconnectAsync();
        await resumed.Task.WaitAsync(Timeout);

        Assert.Equal(session, Assert.Single(rig.Emulator.Resumes.Snapshot()).SessionId);
        Assert.Single(rig.Emulator.Identifies.Snapshot());
    }

    [Fact]
    public async Task Resumable_close_code_resumes()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Resumed += () => resumed.TrySetResult();
        await client.StartAsync().WaitAsync(Timeout);

        await rig.Emulator.CloseConnectionsAsync(GatewayCloseCodes.UnknownError);
        await resumed.Task.WaitAsync(Timeout);

        Assert.Single(rig.Emulator.Identifies.Snapshot());
        Assert.Null(client.Fatal);
    }

    [Fact]
    public async Task Invalid_session_reidentifies_with_a_new_session()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var readies = new EventProbe<ReadyEvent>();
        client.Ready += readies.Add;
        await client.StartAsync().WaitAsync(Timeout);
        var first = client.SessionId;

        await rig.Emulator.InvalidateSessionsAsync(resumable: false);
        await readies.WaitForCountAsync(2, _ => true, Timeout);

        var identifies = rig.Emulator.Identifies.Snapshot();
        Assert.Equal(2, identifies.Count);
        Assert.NotEqual(first, client.SessionId);
        Assert.Equal(identifies[1].SessionId, client.SessionId);
        Assert.Empty(rig.Emulator.Resumes.Snapshot());
        Assert.Equal(1, rig.Totals.Total(DiscordMetrics.GatewayInvalidSessionsName));
    }

    [Fact]
    public async Task Refused_resume_falls_back_to_identify()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var readies = new EventProbe<ReadyEvent>();
        client.Ready += readies.Add;
        await client.StartAsync().WaitAsync(Timeout);

        rig.Emulator.RefuseResumes = true;
        rig.Emulator.DropConnections();
        await readies.WaitForCountAsync(2, _ => true, Timeout);

        Assert.False(Assert.Single(rig.Emulator.Resumes.Snapshot()).Accepted);
        Assert.Equal(2, rig.Emulator.Identifies.Count);
    }

    [Fact]
    public async Task Bad_token_is_fatal_4004_and_the_error_never_contains_the_token()
    {
        await using var rig = await EmulatorRig.StartAsync();
        const string wrongToken = "MTIzNDU2Nzg5.wrong.secret-token-value";
        var client = rig.NewClient(rig.ClientOptions(wrongToken));
        var fatalEvent = new TaskCompletionSource<GatewayFatalException>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.FatalError += e => fatalEvent.TrySetResult(e);

        var error = await Assert.ThrowsAsync<GatewayFatalException>(() => client.StartAsync().WaitAsync(Timeout));

        Assert.Equal(4004, error.CloseCode);
        Assert.Contains("authentication failed", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(wrongToken, error.ToString(), StringComparison.Ordinal);
        Assert.Same(error, await fatalEvent.Task.WaitAsync(Timeout));
        await Assert.ThrowsAsync<GatewayFatalException>(() => client.Completion.WaitAsync(Timeout));
        Assert.Single(rig.Emulator.Identifies.Snapshot());
        Assert.DoesNotContain(rig.Logger.Lines, l => l.Contains(wrongToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disallowed_intents_are_fatal_4014()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient(rig.ClientOptions() with { Intents = GatewayIntents.VoiceBot | (GatewayIntents)(1 << 1) });

        var error = await Assert.ThrowsAsync<GatewayFatalException>(() => client.StartAsync().WaitAsync(Timeout));

        Assert.Equal(GatewayCloseCodes.DisallowedIntents, error.CloseCode);
        Assert.Contains("intents", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4010)]
    [InlineData(4011)]
    [InlineData(4012)]
    [InlineData(4013)]
    [InlineData(4014)]
    public async Task Fatal_close_codes_stop_the_client_without_reconnecting(int code)
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        await client.StartAsync().WaitAsync(Timeout);

        await rig.Emulator.CloseConnectionsAsync(code);
        var error = await Assert.ThrowsAsync<GatewayFatalException>(() => client.Completion.WaitAsync(Timeout));

        Assert.Equal(code, error.CloseCode);
        Assert.Equal(GatewayCloseCodes.Describe(code), error.Reason);
        Assert.Empty(rig.Emulator.Resumes.Snapshot());
        Assert.Single(rig.Emulator.Identifies.Snapshot());
    }

    [Fact]
    public async Task Identify_codes_4007_and_4009_start_a_new_session()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var readies = new EventProbe<ReadyEvent>();
        client.Ready += readies.Add;
        await client.StartAsync().WaitAsync(Timeout);

        await rig.Emulator.CloseConnectionsAsync(GatewayCloseCodes.SessionTimedOut);
        await readies.WaitForCountAsync(2, _ => true, Timeout);

        Assert.Empty(rig.Emulator.Resumes.Snapshot());
        Assert.Equal(2, rig.Emulator.Identifies.Count);
    }

    [Fact]
    public async Task A_server_that_never_says_hello_is_abandoned_and_retried()
    {
        await using var rig = await EmulatorRig.StartAsync();
        rig.Emulator.SuppressHello = true;
        var client = rig.NewClient(rig.ClientOptions() with { ConnectTimeout = TimeSpan.FromMilliseconds(300) });

        var start = client.StartAsync();
        await rig.Emulator.GatewayConnects.WaitForCountAsync(2, Timeout);
        rig.Emulator.SuppressHello = false;
        await start.WaitAsync(Timeout);

        Assert.Single(rig.Emulator.Identifies.Snapshot());
        Assert.True(rig.Totals.Total(DiscordMetrics.GatewayReconnectsName) >= 1);
    }
}
