using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Discord.Voice.Opus;
using Chorus.Emulators.Voice;

namespace Chorus.Discord.Tests.Voice;

[EndToEnd]
public sealed class VoiceRecoveryTests
{
    private const ulong Alice = 556;

    private static async Task AssertHearsAsync(VoiceTestHarness h, ScriptedVoiceUser user, int announceAfterFrames = 0)
    {
        var before = h.Heard(user.UserId).Length;
        await user.SpeakAsync(AudioSignals.Chirp(48000, 0.5), 48000, announceAfterFrames);
        var reference = AudioSignals.Chirp(OpusFormat.ReceiveSampleRate, 0.5);
        await h.WaitUntilAsync(() => h.Heard(user.UserId).Length - before >= reference.Length + 1600, "the chirp");
        var (correlation, _) = AudioSignals.BestCorrelation(reference, h.Heard(user.UserId)[before..], 3200);
        Assert.True(correlation > 0.8, $"correlation {correlation:F3}");
    }

    private static EmulatedVoiceParticipantInfo Bot(VoiceTestHarness h, EmulatedVoiceServer? server = null) =>
        (server ?? h.Server).GetParticipant(VoiceTestHarness.Guild, VoiceTestHarness.Bot)!;

    [Fact]
    public async Task Resumes_after_4015_and_receives_what_was_sent_meanwhile()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var ssrc = h.Connection.Ssrc;
        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.VoiceServerCrashed);
        // Joins while the bot is away: the op 11 must come from the resume buffer.
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, Alice);

        await h.WaitUntilAsync(() => Bot(h).Resumes == 1 && h.Connection.State == VoiceConnectionState.Ready, "resumed");
        await h.WaitUntilAsync(() => h.Connection.ConnectedUsers.Contains(Alice), "op 11 replayed after resume");
        Assert.Contains(VoiceConnectionState.Resuming, h.States);
        Assert.Equal(1, Bot(h).Identifies);
        Assert.Equal(ssrc, h.Connection.Ssrc);
        Assert.Equal(1, h.Connection.Counters.Resumes);
        Assert.Equal(0, h.Connection.Counters.Rejoins);
        await AssertHearsAsync(h, alice);
    }

    [Fact]
    public async Task A_spurt_under_way_announces_itself_again_after_a_resume()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var reply = AudioSignals.Chirp(OpusFormat.SendSampleRate, 3.0);
        Assert.Equal(reply.Length, h.Connection.Sender.Push(reply));
        await h.WaitUntilAsync(() => Bot(h).SpeakingFlags != 0, "op 5 before the first frame");

        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.VoiceServerCrashed);
        await h.WaitUntilAsync(() => Bot(h).Resumes == 1 && h.Connection.State == VoiceConnectionState.Ready, "resumed");

        // The server forgets speaking state on a resume: without a new op 5 the rest of the reply would be dropped.
        await h.WaitUntilAsync(() => Bot(h).SpeakingFlags != 0, "op 5 again after the resume, within the same spurt");
        Assert.True(h.Connection.Sender.IsSpeaking, "the reply was still playing");
        Assert.Equal(1, h.Connection.Sender.Counters.TalkSpurts);
    }

    [Fact]
    public async Task Resumes_after_a_dropped_socket()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, Alice);
        h.Server.DropClient(VoiceTestHarness.Guild, VoiceTestHarness.Bot);

        await h.WaitUntilAsync(() => Bot(h).Resumes == 1 && h.Connection.State == VoiceConnectionState.Ready, "resumed after 1006");
        Assert.Equal(1, Bot(h).Identifies);
        await AssertHearsAsync(h, alice);
    }

    [Fact]
    public async Task Rejoins_after_4006_with_a_new_identify()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, Alice);
        var oldSsrc = h.Connection.Ssrc;
        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.SessionNoLongerValid);

        await h.WaitUntilAsync(() => Bot(h).Identifies == 2 && h.Connection.State == VoiceConnectionState.Ready && h.Connection.Ssrc != oldSsrc, "rejoined");
        Assert.Contains(VoiceConnectionState.Rejoining, h.States);
        Assert.Equal(1, h.Connection.Counters.Rejoins);
        Assert.Equal(0, Bot(h).Resumes);
        await AssertHearsAsync(h, alice);
    }

    [Fact]
    public async Task Rejoins_with_fresh_credentials_when_the_old_token_is_no_longer_accepted()
    {
        await using var h = await VoiceTestHarness.StartAsync(connect: false);
        EmulatedVoiceCredentials? fresh = null;
        var refreshed = 0;
        await h.ConnectAsync(options: new VoiceConnectionOptions
        {
            RefreshCredentials = _ =>
            {
                refreshed++;
                return ValueTask.FromResult(VoiceTestHarness.ToClient(fresh!));
            },
        });
        // The main gateway hands out a new session and token; the old ones stop working.
        fresh = h.Server.CreateCredentials(VoiceTestHarness.Guild, VoiceTestHarness.Bot);
        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.SessionNoLongerValid);

        await h.WaitUntilAsync(() => Bot(h).Identifies == 2 && h.Connection.State == VoiceConnectionState.Ready, "rejoined with the fresh token");
        Assert.Equal(1, refreshed);
        Assert.Equal(fresh.SessionId, h.Connection.Credentials.SessionId);
    }

    [Fact]
    public async Task Gives_up_on_4014_without_a_move_and_reports_why()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var closed = new TaskCompletionSource<VoiceConnectionClosed>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Connection.Closed += c => closed.TrySetResult(c);
        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.Disconnected);

        var reason = await closed.Task.WaitAsync(VoiceTestHarness.Timeout);
        Assert.Equal(VoiceCloseCodes.Disconnected, reason.CloseCode);
        Assert.Equal(VoiceCloseAction.Disconnected, reason.Action);
        Assert.Equal(VoiceConnectionState.Closed, h.Connection.State);
        Assert.Equal(1, h.Server.Counters.Identifies);
    }

    [Fact]
    public async Task Follows_a_server_move()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var other = await EmulatedVoiceServer.StartAsync();
        h.ExtraServers.Add(other);
        var bob = other.AddScriptedUser(VoiceTestHarness.Guild, 777);
        var moved = VoiceTestHarness.ToClient(other.CreateCredentials(VoiceTestHarness.Guild, VoiceTestHarness.Bot));

        using var cts = new CancellationTokenSource(VoiceTestHarness.Timeout);
        await h.Connection.MoveAsync(moved, cts.Token);

        Assert.Equal(moved.Endpoint, h.Connection.Credentials.Endpoint);
        Assert.Equal(1, h.Connection.Counters.Moves);
        Assert.Equal(1, Bot(h, other).Identifies);
        // The old server saw a clean close and removed us.
        await h.WaitUntilAsync(() => h.Server.GetParticipant(VoiceTestHarness.Guild, VoiceTestHarness.Bot) is null, "left the old server");
        await AssertHearsAsync(h, bob);
    }

    [Fact]
    public async Task Follows_a_move_announced_after_a_4014_close()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var other = await EmulatedVoiceServer.StartAsync();
        h.ExtraServers.Add(other);
        var bob = other.AddScriptedUser(VoiceTestHarness.Guild, 778);
        var moved = VoiceTestHarness.ToClient(other.CreateCredentials(VoiceTestHarness.Guild, VoiceTestHarness.Bot));

        // Discord drops the old voice socket first; the new VOICE_SERVER_UPDATE arrives a moment later.
        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.Disconnected);
        await h.WaitUntilAsync(() => h.Connection.State == VoiceConnectionState.Rejoining, "waiting for a move");
        h.Connection.MoveTo(moved);

        await h.WaitUntilAsync(() => h.Connection.State == VoiceConnectionState.Ready && other.GetParticipant(VoiceTestHarness.Guild, VoiceTestHarness.Bot)?.Joined == true, "moved");
        Assert.Null(h.Connection.ClosedReason);
        await AssertHearsAsync(h, bob);
    }

    [Fact]
    public async Task Holds_packets_of_a_late_user_until_op_5_maps_its_ssrc()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var late = h.Server.AddScriptedUser(VoiceTestHarness.Guild, 888);
        await h.WaitUntilAsync(() => h.Connection.ConnectedUsers.Contains(888UL), "op 11");

        await AssertHearsAsync(h, late, announceAfterFrames: 10);

        var counters = h.Connection.Receiver.Counters;
        Assert.True(counters.HeldForUnknownSsrc >= 9, counters.ToString());
        Assert.Equal(0, counters.DroppedUnknownSsrc);
        Assert.True(h.Connection.Receiver.TryGetUser(late.Ssrc, out var user));
        Assert.Equal(888UL, user);
    }

    [Fact]
    public async Task Gives_up_after_4017_instead_of_looping()
    {
        await using var h = await VoiceTestHarness.StartAsync(new EmulatedVoiceServerOptions { RequireDave = true }, connect: false);
        var ex = await Assert.ThrowsAsync<VoiceConnectionClosedException>(() => h.ConnectAsync());
        Assert.Equal(VoiceCloseCodes.DaveProtocolRequired, ex.Closed.CloseCode);
        Assert.Equal(0, h.Server.Counters.Identifies);
        Assert.Equal(0, h.Server.Counters.Resumes);
    }
}
