using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Gateway;
using Chorus.Discord.Voice;
using Chorus.Emulators.Discord;
using Chorus.Emulators.Voice;

namespace Chorus.Discord.Tests.Gateway;

/// <summary>Main gateway signalling hands credentials to the voice connection, which the voice emulator accepts.</summary>
[EndToEnd]
public sealed class VoiceJoinEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Credentials_from_op4_open_a_voice_connection_on_the_voice_emulator()
    {
        await using var voiceServer = await EmulatedVoiceServer.StartAsync();
        await using var rig = await EmulatorRig.StartAsync(configure: o => o with { VoiceServers = new EmulatedVoiceServerProvider(voiceServer) });
        var client = rig.NewClient();
        await client.StartAsync().WaitAsync(Timeout);
        var signalling = VoiceSignalling.For(client);

        var credentials = await signalling.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);
        await using var connection = new VoiceConnection(credentials.ToVoiceServerCredentials(), new VoiceConnectionOptions { UseTls = false });
        using var cts = new CancellationTokenSource(Timeout);
        await connection.StartAsync(cts.Token);

        Assert.Equal(voiceServer.Endpoint, credentials.Endpoint);
        Assert.Equal(client.UserId, credentials.UserId);
        var participant = voiceServer.GetParticipant(EmulatorRig.GuildId, credentials.UserId);
        Assert.NotNull(participant);
        Assert.Equal(1, participant.Identifies);
    }

    [Fact]
    public async Task After_4006_a_repeated_op4_brings_a_fresh_session_and_token_and_the_same_connection_rejoins_with_them()
    {
        await using var voiceServer = await EmulatedVoiceServer.StartAsync();
        await using var rig = await EmulatorRig.StartAsync(configure: o => o with { VoiceServers = new EmulatedVoiceServerProvider(voiceServer) });
        var client = rig.NewClient();
        await client.StartAsync().WaitAsync(Timeout);
        var signalling = VoiceSignalling.For(client);
        var moves = 0;
        signalling.ServerMoved += _ => Interlocked.Increment(ref moves);
        var first = await signalling.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);
        var refreshed = new List<VoiceJoinCredentials>();
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        await using var connection = new VoiceConnection(first.ToVoiceServerCredentials(), new VoiceConnectionOptions
        {
            UseTls = false,
            Metrics = metrics,
            // What the gateway's VoiceCredentialRefresher does.
            RefreshCredentials = async token =>
            {
                var fresh = await signalling.RejoinAsync(EmulatorRig.GuildId, Timeout, token);
                refreshed.Add(fresh);
                return fresh.ToVoiceServerCredentials();
            },
        });
        using var cts = new CancellationTokenSource(Timeout);
        await connection.StartAsync(cts.Token);
        var rejoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.StateChanged += state =>
        {
            if (state == VoiceConnectionState.Ready)
            {
                rejoined.TrySetResult();
            }
        };

        await voiceServer.CloseClientAsync(EmulatorRig.GuildId, first.UserId, 4006);
        await rejoined.Task.WaitAsync(Timeout);

        // One more op 4, for the same channel, on the guild's shard; its pair completed the refresh, not a "move".
        var commands = rig.Emulator.VoiceStateCommands.Snapshot();
        Assert.Equal(2, commands.Count);
        Assert.All(commands, c => Assert.Equal((EmulatorRig.GuildId, (ulong?)EmulatorRig.VoiceChannelId), (c.GuildId, c.ChannelId)));
        var fresh = Assert.Single(refreshed);
        Assert.NotEqual(first.SessionId, fresh.SessionId);
        Assert.NotEqual(first.Token, fresh.Token);
        Assert.Equal(fresh.SessionId, connection.Credentials.SessionId);
        Assert.Same(fresh, signalling.Current(EmulatorRig.GuildId));
        Assert.Equal(0, Volatile.Read(ref moves));
        var participant = voiceServer.GetParticipant(EmulatorRig.GuildId, first.UserId)!;
        Assert.Equal((2, true), (participant.Identifies, participant.Joined));
        Assert.Equal(0, voiceServer.Counters.RejectedIdentifies);
        Assert.Equal(1, totals.Total(DiscordMetrics.CredentialRefreshesName, MetricTag.Success));
    }

    [Fact]
    public async Task A_rejoin_asks_for_the_channel_the_bot_is_in_and_fails_plainly_when_it_is_in_none()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        await client.StartAsync().WaitAsync(Timeout);
        var signalling = VoiceSignalling.For(client);

        await Assert.ThrowsAsync<InvalidOperationException>(() => signalling.RejoinAsync(EmulatorRig.GuildId, Timeout));
        Assert.Empty(rig.Emulator.VoiceStateCommands.Snapshot());

        await signalling.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);
        await signalling.LeaveAsync(EmulatorRig.GuildId);
        await Assert.ThrowsAsync<InvalidOperationException>(() => signalling.RejoinAsync(EmulatorRig.GuildId, Timeout));
    }
}
