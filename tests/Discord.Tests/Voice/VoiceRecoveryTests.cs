using Chorus.Discord.Diagnostics;
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
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.VoiceReconnectsName, MetricTag.Resume));
        Assert.Equal(0, h.Totals.Total(DiscordMetrics.VoiceReconnectsName, MetricTag.Rejoin));
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
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.TalkSpurtsName));
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
    public async Task After_4006_the_old_credentials_are_refused_and_without_fresh_ones_it_gives_up_after_bounded_rejoins()
    {
        await using var h = await VoiceTestHarness.StartAsync(connect: false);
        await h.ConnectAsync(options: new VoiceConnectionOptions { MaxRejoinAttempts = 3 });
        var closed = new TaskCompletionSource<VoiceConnectionClosed>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Connection.Closed += c => closed.TrySetResult(c);

        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.SessionNoLongerValid);

        // Each rejoin identifies with the session the server ended: refused with 4006 again, as Discord does.
        var reason = await closed.Task.WaitAsync(VoiceTestHarness.Timeout);
        Assert.Equal(VoiceCloseCodes.SessionNoLongerValid, reason.CloseCode);
        Assert.Equal(VoiceCloseAction.Rejoin, reason.Action);
        Assert.Equal(VoiceConnectionState.Closed, h.Connection.State);
        Assert.Equal(3, h.Server.Counters.RejectedIdentifies);
        Assert.Equal(1, h.Server.Counters.Identifies);
        Assert.Equal(3, h.Totals.Total(DiscordMetrics.VoiceReconnectsName, MetricTag.Rejoin));
        await Assert.ThrowsAsync<VoiceConnectionClosedException>(() => h.Connection.WaitUntilReadyAsync());
    }

    [Fact]
    public async Task The_emulator_refuses_an_identify_with_a_session_it_ended_with_4006_and_forged_credentials_with_4004()
    {
        await using var h = await VoiceTestHarness.StartAsync(connect: false);
        var stale = h.Server.CreateCredentials(VoiceTestHarness.Guild, VoiceTestHarness.Bot);
        await using (var first = new VoiceConnection(VoiceTestHarness.ToClient(stale), new VoiceConnectionOptions { UseTls = false, MaxRejoinAttempts = 1 }))
        {
            using var cts = new CancellationTokenSource(VoiceTestHarness.Timeout);
            await first.StartAsync(cts.Token);
            var closed = new TaskCompletionSource<VoiceConnectionClosed>(TaskCreationOptions.RunContinuationsAsynchronously);
            first.Closed += c => closed.TrySetResult(c);
            await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.SessionNoLongerValid);
            Assert.Equal(VoiceCloseCodes.SessionNoLongerValid, (await closed.Task.WaitAsync(VoiceTestHarness.Timeout)).CloseCode);
        }

        // A new client with the ended session's id and token: refused with 4006, nothing joined.
        var refusedBefore = h.Server.Counters.RejectedIdentifies;
        await using var second = new VoiceConnection(VoiceTestHarness.ToClient(stale), new VoiceConnectionOptions { UseTls = false });
        var ex = await Assert.ThrowsAsync<VoiceConnectionClosedException>(() => second.StartAsync(new CancellationTokenSource(VoiceTestHarness.Timeout).Token));
        Assert.Equal(VoiceCloseCodes.SessionNoLongerValid, ex.Closed.CloseCode);
        Assert.True(h.Server.Counters.RejectedIdentifies > refusedBefore);
        Assert.False(h.Server.GetParticipant(VoiceTestHarness.Guild, VoiceTestHarness.Bot)!.Joined);

        // Credentials the main gateway never handed out are an authentication failure instead.
        var forged = VoiceTestHarness.ToClient(h.Server.CreateCredentials(VoiceTestHarness.Guild, VoiceTestHarness.Bot)) with { Token = "forged" };
        await using var third = new VoiceConnection(forged, new VoiceConnectionOptions { UseTls = false });
        var forgedEx = await Assert.ThrowsAsync<VoiceConnectionClosedException>(() => third.StartAsync(new CancellationTokenSource(VoiceTestHarness.Timeout).Token));
        Assert.Equal(VoiceCloseCodes.AuthenticationFailed, forgedEx.Closed.CloseCode);
    }

    [Fact]
    public async Task Rejoins_after_4006_with_fresh_credentials_from_the_refresher_and_hears_again()
    {
        await using var h = await VoiceTestHarness.StartAsync(connect: false);
        var issued = new List<EmulatedVoiceCredentials>();
        await h.ConnectAsync(options: new VoiceConnectionOptions
        {
            // What a new op 4 does: the main gateway hands out a new session and token; only those get in.
            RefreshCredentials = _ =>
            {
                var fresh = h.Server.CreateCredentials(VoiceTestHarness.Guild, VoiceTestHarness.Bot);
                issued.Add(fresh);
                return ValueTask.FromResult(VoiceTestHarness.ToClient(fresh));
            },
        });
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, Alice);
        var oldSsrc = h.Connection.Ssrc;
        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.SessionNoLongerValid);

        await h.WaitUntilAsync(() => Bot(h).Identifies == 2 && h.Connection.State == VoiceConnectionState.Ready && h.Connection.Ssrc != oldSsrc, "rejoined with the fresh token");
        Assert.Contains(VoiceConnectionState.Rejoining, h.States);
        var fresh = Assert.Single(issued);
        Assert.Equal(fresh.SessionId, h.Connection.Credentials.SessionId);
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.VoiceReconnectsName, MetricTag.Rejoin));
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.CredentialRefreshesName, MetricTag.Success));
        Assert.Equal(0, h.Server.Counters.RejectedIdentifies);
        Assert.Equal(0, Bot(h).Resumes);
        await AssertHearsAsync(h, alice);
    }

    [Fact]
    public async Task A_refresh_that_never_answers_times_out_uses_up_the_attempts_and_closes()
    {
        await using var h = await VoiceTestHarness.StartAsync(connect: false);
        var calls = 0;
        var cancelled = 0;
        var bothToldToStop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await h.ConnectAsync(options: new VoiceConnectionOptions
        {
            MaxRejoinAttempts = 2,
            CredentialRefreshTimeout = TimeSpan.FromMilliseconds(300),
            // Discord never answers the op 4: the refresher hangs (a refresher that ignores its token, too).
            RefreshCredentials = async token =>
            {
                Interlocked.Increment(ref calls);
                try
                {
                    await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, token);
                }
                catch (OperationCanceledException)
                {
                    if (Interlocked.Increment(ref cancelled) == 2)
                    {
                        bothToldToStop.TrySetResult();
                    }

                    throw;
                }

                throw new InvalidOperationException("unreachable");
            },
        });
        var closed = new TaskCompletionSource<VoiceConnectionClosed>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Connection.Closed += c => closed.TrySetResult(c);

        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.SessionNoLongerValid);

        var reason = await closed.Task.WaitAsync(VoiceTestHarness.Timeout);
        Assert.Equal(VoiceCloseCodes.SessionNoLongerValid, reason.CloseCode);
        Assert.Equal("fresh voice credentials unavailable", reason.Reason);
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(2, h.Totals.Total(DiscordMetrics.CredentialRefreshesName, MetricTag.Failure));
        // Each timed-out refresh was also told to stop through its token.
        await bothToldToStop.Task.WaitAsync(VoiceTestHarness.Timeout);
        Assert.Equal(0, h.Totals.Total(DiscordMetrics.CredentialRefreshesName, MetricTag.Success));
        // The ended session was never tried again: identifying with it would only be refused.
        Assert.Equal(0, h.Server.Counters.RejectedIdentifies);
        Assert.Equal(1, h.Server.Counters.Identifies);
    }

    [Fact]
    public async Task A_refresh_that_fails_once_is_asked_again_and_the_rejoin_succeeds()
    {
        await using var h = await VoiceTestHarness.StartAsync(connect: false);
        var calls = 0;
        await h.ConnectAsync(options: new VoiceConnectionOptions
        {
            MaxRejoinAttempts = 3,
            RefreshCredentials = _ => Interlocked.Increment(ref calls) == 1
                ? ValueTask.FromException<VoiceServerCredentials>(new TimeoutException("Discord did not answer in time"))
                : ValueTask.FromResult(VoiceTestHarness.ToClient(h.Server.CreateCredentials(VoiceTestHarness.Guild, VoiceTestHarness.Bot))),
        });

        await h.Server.CloseClientAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, VoiceCloseCodes.SessionNoLongerValid);

        await h.WaitUntilAsync(() => Bot(h).Identifies == 2 && h.Connection.State == VoiceConnectionState.Ready, "rejoined on the second refresh");
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.CredentialRefreshesName, MetricTag.Failure));
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.CredentialRefreshesName, MetricTag.Success));
        Assert.Null(h.Connection.ClosedReason);
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
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.VoiceHandoversName, MetricTag.Move));
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

        var counters = h.Totals;
        Assert.True(counters.Total(DiscordMetrics.PacketsHeldName) >= 9, counters.ToString());
        Assert.Equal(0, counters.Total(DiscordMetrics.PacketsDroppedName, MetricTag.UnknownSsrc));
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
