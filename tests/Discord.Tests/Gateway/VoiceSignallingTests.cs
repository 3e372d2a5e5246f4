using Chorus.Discord.Gateway;
using Chorus.Emulators.Discord;

namespace Chorus.Discord.Tests.Gateway;

[EndToEnd]
public sealed class VoiceSignallingTests
{
    private static readonly TimeSpan Timeout = EmulatorRig.Timeout;

    private sealed class ScriptedVoiceServers(Func<VoiceJoinRequest, string?> endpoint) : IVoiceServerProvider
    {
        public VoiceServerAssignment Assign(VoiceJoinRequest request) => new(endpoint(request), "voice-token-" + request.ChannelId);
    }

    private static async Task<(EmulatorRig Rig, GatewayClient Client, VoiceSignalling Voice)> StartAsync(IVoiceServerProvider? provider = null)
    {
        var rig = await EmulatorRig.StartAsync(configure: o => provider is null ? o : o with { VoiceServers = provider });
        var client = rig.NewClient();
        await client.StartAsync().WaitAsync(Timeout);
        return (rig, client, VoiceSignalling.For(client));
    }

    [Fact]
    public async Task Join_sends_op4_undeafened_and_returns_session_token_and_endpoint_with_port()
    {
        (var rig, var client, var voice) = await StartAsync(new ScriptedVoiceServers(_ => "voice.example:2053"));
        await using var rigScope = rig;

        var credentials = await voice.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);

        var command = Assert.Single(rig.Emulator.VoiceStateCommands.Snapshot());
        Assert.Equal((EmulatorRig.GuildId, (ulong?)EmulatorRig.VoiceChannelId, false, false), (command.GuildId, command.ChannelId, command.SelfMute, command.SelfDeaf));
        Assert.Equal("voice.example:2053", credentials.Endpoint);
        Assert.Equal(new Uri("wss://voice.example:2053/?v=8"), credentials.VoiceGatewayUri());
        Assert.Equal("voice-token-" + EmulatorRig.VoiceChannelId, credentials.Token);
        Assert.Equal(client.SessionId, credentials.SessionId);
        Assert.Equal(client.UserId, credentials.UserId);
        Assert.Equal(EmulatorRig.VoiceChannelId, credentials.ChannelId);
        Assert.DoesNotContain(credentials.Token, credentials.ToString(), StringComparison.Ordinal);
        Assert.Same(credentials, voice.Current(EmulatorRig.GuildId));
    }

    [Fact]
    public async Task Null_endpoint_waits_for_the_next_server_update()
    {
        (var rig, _, var voice) = await StartAsync(new ScriptedVoiceServers(_ => null));
        await using var rigScope = rig;

        var join = voice.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);
        await rig.Emulator.VoiceJoins.WaitForAsync(_ => true, Timeout);
        Assert.False(join.IsCompleted);
        await rig.Emulator.SendVoiceServerUpdateAsync(EmulatorRig.GuildId, "late.example:443", "late-token");

        var credentials = await join.WaitAsync(Timeout);
        Assert.Equal(("late.example:443", "late-token"), (credentials.Endpoint, credentials.Token));
    }

    [Fact]
    public async Task Server_loss_and_move_while_connected_raise_events()
    {
        (var rig, _, var voice) = await StartAsync();
        await using var rigScope = rig;
        var lost = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        var moved = new TaskCompletionSource<VoiceJoinCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        voice.ServerLost += g => lost.TrySetResult(g);
        voice.ServerMoved += c => moved.TrySetResult(c);
        var first = await voice.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);
        Assert.Equal(FakeVoiceServerProvider.DefaultEndpoint, first.Endpoint);

        await rig.Emulator.SendVoiceServerUpdateAsync(EmulatorRig.GuildId, null);
        Assert.Equal(EmulatorRig.GuildId, await lost.Task.WaitAsync(Timeout));
        Assert.Null(voice.Current(EmulatorRig.GuildId));

        await rig.Emulator.SendVoiceServerUpdateAsync(EmulatorRig.GuildId, "moved.example:9999", "moved-token");
        var next = await moved.Task.WaitAsync(Timeout);
        Assert.Equal(("moved.example:9999", "moved-token", first.SessionId), (next.Endpoint, next.Token, next.SessionId));
        Assert.Same(next, voice.Current(EmulatorRig.GuildId));
    }

    [Fact]
    public async Task Leave_sends_op4_with_a_null_channel()
    {
        (var rig, var client, var voice) = await StartAsync();
        await using var rigScope = rig;
        await voice.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);

        await voice.LeaveAsync(EmulatorRig.GuildId);

        var leave = await rig.Emulator.VoiceStateCommands.WaitForAsync(c => c.ChannelId is null, Timeout);
        Assert.Equal(EmulatorRig.GuildId, leave.GuildId);
        Assert.Null(voice.Current(EmulatorRig.GuildId));
        Assert.Null(rig.Emulator.GetVoiceChannel(EmulatorRig.GuildId, client.UserId!.Value));
    }

    [Fact]
    public async Task Being_disconnected_by_someone_else_raises_disconnected()
    {
        (var rig, var client, var voice) = await StartAsync();
        await using var rigScope = rig;
        var disconnected = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        voice.Disconnected += g => disconnected.TrySetResult(g);
        await voice.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);

        await rig.Emulator.UserLeavesVoiceAsync(EmulatorRig.GuildId, client.UserId!.Value);

        Assert.Equal(EmulatorRig.GuildId, await disconnected.Task.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Join_times_out_with_a_clear_message_when_discord_never_answers()
    {
        (var rig, _, var voice) = await StartAsync();
        await using var rigScope = rig;
        const ulong unknownGuild = 99UL << 22;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => voice.JoinAsync(unknownGuild, 1, TimeSpan.FromMilliseconds(200)));

        Assert.Contains(unknownGuild.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}
