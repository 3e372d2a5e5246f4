using System.Globalization;

namespace Chorus.EndToEnd.Cluster;

/// <summary>
/// The real cluster shape (docker-compose.yml) as plain processes: Redis, two silos, two gateways, six guilds in
/// conversation with DAVE. Processes are killed and restarted under the conversations, and what the users hear is
/// measured at the emulated voice server. Figures go to the test output (and to CHORUS_CLUSTER_REPORT when set).
/// </summary>
[EndToEnd]
public sealed class ClusterTests
{
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A gap well above the 20 ms cadence and the loopback's jitter on two loaded cores, and far below anything a lost
    /// silo could cause if audio waited on a grain (Orleans' failure detection takes seconds).
    /// </summary>
    private const double GapBoundMs = 150;

    private readonly ITestOutputHelper _output;

    public ClusterTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task A_silo_killed_with_sigkill_costs_no_audio_and_its_grains_come_back_with_their_state()
    {
        var log = new ReportWriter(_output);
        await using var rig = await ClusterRig.StartAsync(log);
        try
        {
            await rig.StartConversationsAsync(answers: 2);
            await SetSessionLimitsAsync(rig, minutes: 30);

            var cadenceAtStart = await ScrapeSendIntervalsAsync(rig);
            // CPU per conversation: both gateways over a window of steady talk (three conversations each).
            var cpuBefore = rig.Gateways.Select(g => g.Process.ProcessorTime).ToList();
            var siloCpuBefore = rig.Silos.Select(s => s.ProcessorTime).ToList();
            var windowStart = rig.Time.GetTimestamp();
            await rig.WaitForAnswersAsync(rig.Conversations.Select(c => c.Answered + 3).ToList(), FailoverTimeout);
            var window = rig.SecondsSince(windowStart);
            var cpu = rig.Gateways.Select((g, i) => (g.Process.ProcessorTime - cpuBefore[i]).TotalSeconds).ToList();
            var siloCpu = rig.Silos.Select((s, i) => (s.ProcessorTime - siloCpuBefore[i]).TotalSeconds).ToList();
            var perConversation = cpu.Sum() / window / ClusterRig.GuildCount * 100;
            log.Figure($"gateway CPU per conversation: {perConversation:0.0} % of a core (gateways {string.Join(" / ", cpu.Select(c => $"{c / window * 100:0.0} %"))} of a core, "
                + $"{ClusterRig.GuildCount / ClusterRig.ShardCount} conversations each; silos {string.Join(" / ", siloCpu.Select(c => $"{c / window * 100:0.0} %"))}; {window:0.0} s window)");

            var before = rig.Conversations.Select(c => c.Turns.Count).ToList();
            var cadenceAtKill = await ScrapeSendIntervalsAsync(rig);
            using var stopTimeline = new CancellationTokenSource();
            var timeline = RecordSendIntervalsAsync(rig, stopTimeline.Token);
            var victim = rig.Silos[0];
            var killedAtUtc = rig.Time.GetUtcNow();
            var killedAt = rig.Time.GetTimestamp();
            await victim.KillHardAsync(ClusterRig.StopTimeout);
            rig.Silos.Remove(victim);
            rig.Retire(victim);
            rig.Say($"{victim.Name} killed with SIGKILL");

            // Every guild's grains answer again, holding the state written before the kill (reactivated from Redis
            // on the surviving silo where they lived on the dead one).
            var settingsBack = await Task.WhenAll(rig.Guilds.Select(async g =>
            {
                await WaitForSessionLimitAsync(rig, g, 30 + g.Index);
                return rig.SecondsSince(killedAt);
            }));
            log.Figure($"silo kill -> every guild's settings read back: {string.Join(", ", settingsBack.Select(s => $"{s:0.0}"))} s");

            // The conversations went on throughout, and go on after failure detection has run its course.
            await rig.WaitForAnswersAsync(rig.Conversations.Select(c => c.Answered + 2).ToList(), FailoverTimeout);
            var span = rig.SecondsSince(killedAt);
            var cadenceAfter = await ScrapeSendIntervalsAsync(rig);
            await stopTimeline.CancelAsync();
            var seconds = await timeline;
            await rig.StopTalkingAsync();

            var after = rig.Conversations.Select((c, i) => c.Turns.Skip(before[i]).ToList()).ToList();
            var gaps = after.Select(t => t.Where(x => x.Answered).Max(x => x.LongestGapMs!.Value)).ToList();
            var baseline = rig.Conversations.Select((c, i) => c.Turns.Take(before[i]).Where(x => x.Answered).Max(x => x.LongestGapMs!.Value)).ToList();
            log.Figure($"silo kill: longest gap in each bot's answers over the {span:0} s after the kill: {string.Join(", ", gaps.Select(g => $"{g:0}"))} ms "
                + $"(before the kill: {string.Join(", ", baseline.Select(g => $"{g:0}"))} ms); turns after the kill: "
                + $"{string.Join(", ", after.Select(t => $"{t.Count(x => x.Answered)}/{t.Count}"))} answered; unanswered: {Unanswered(rig, killedAt)}; {ContextUpdates(rig)}; "
                + StreamEndsInSpeech(rig, killedAtUtc));

            // The same gaps at the bot's own socket (its send-interval histogram): what the gateways sent, before the test
            // process's and the loopback's lateness that the users' figures above include.
            var cadence = cadenceAfter.Select((scrape, i) => scrape.Since(cadenceAtKill[i])).ToList();
            var cadenceBefore = cadenceAtKill.Select((scrape, i) => scrape.Since(cadenceAtStart[i])).ToList();
            log.Figure($"silo kill: each gateway's own send intervals over the {span:0} s after the kill: {string.Join("; ", cadence)} "
                + $"(the window before the kill: {string.Join("; ", cadenceBefore)}); seconds with an interval > 25 ms, from the kill: "
                + string.Join(", ", seconds.Where(x => x.Window.LongestFromMs >= 25).Select(x =>
                    string.Create(CultureInfo.InvariantCulture, $"{x.Gateway} {rig.SecondsSince(killedAt) - rig.SecondsSince(x.At):+0.0;-0.0} s ({x.Window})"))));

            Assert.All(after, (turns, i) => Assert.True(turns.All(t => t.Answered), $"guild {i}: a turn went unanswered after the silo kill"));
            Assert.All(cadence, (window, i) => Assert.True(window.Count > 0, $"{rig.Gateways[i].Process.Name}: no send interval recorded after the kill"));
            Assert.All(gaps, (gap, i) => Assert.True(gap <= GapBoundMs, $"guild {i}: a {gap:0} ms gap in the bot's answer after the silo kill"));
            Assert.All(rig.Gateways, g => Assert.False(g.Process.HasExited, $"{g.Process.Name} exited"));
        }
        catch (Exception e) when (e is not Xunit.Sdk.SkipException)
        {
            throw new InvalidOperationException(e.Message + "\n" + rig.Outputs(), e);
        }
    }

    /// <summary>Each gateway's send intervals second by second (one scrape a second) until <paramref name="stop"/>: when a long one happened.</summary>
    private static async Task<List<(long At, string Gateway, SendIntervalWindow Window)>> RecordSendIntervalsAsync(ClusterRig rig, CancellationToken stop)
    {
        var samples = new List<(long At, string Gateway, SendIntervalWindow Window)>();
        var gateways = rig.Gateways.Select(g => g.Process.Name).ToList();
        var previous = await ScrapeSendIntervalsAsync(rig);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), rig.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = await ScrapeSendIntervalsAsync(rig);
                var at = rig.Time.GetTimestamp();
                samples.AddRange(now.Select((scrape, i) => (at, gateways[i], scrape.Since(previous[i]))));
                previous = now;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The window is over.
        }
        return samples;
    }

    private static async Task<List<SendIntervalScrape>> ScrapeSendIntervalsAsync(ClusterRig rig)
    {
        using var timeout = new CancellationTokenSource(ClusterRig.StopTimeout);
        return [.. await Task.WhenAll(rig.Gateways.Select(g => SendIntervalScrape.ReadAsync(g.HealthPort, timeout.Token)))];
    }

    [Fact]
    public async Task Redis_restarted_under_the_cluster_keeps_settings_and_sessions()
    {
        var log = new ReportWriter(_output);
        await using var rig = await ClusterRig.StartAsync(log);
        try
        {
            await rig.StartConversationsAsync(answers: 2);
            await SetSessionLimitsAsync(rig, minutes: 40);
            var keysBefore = await rig.Redis.KeyCountAsync();

            var restartedAt = rig.Time.GetTimestamp();
            await rig.Redis.RestartAsync(ClusterRig.StopTimeout);
            var keysAfter = await rig.Redis.KeyCountAsync();
            rig.Say($"redis restarted in {rig.SecondsSince(restartedAt):0.0} s ({keysBefore} keys before, {keysAfter} after)");

            // Writes go on against the restarted server (each grain's etag came back with its state), and what was
            // written before is read back.
            var answeredBefore = rig.Conversations.Select(c => c.Answered).ToList();
            await Task.WhenAll(rig.Guilds.Select(async g =>
            {
                var reply = await rig.CommandAsync(g, "settings", ClusterRig.SessionLimit(60 + g.Index));
                Assert.Contains((60 + g.Index).ToString(CultureInfo.InvariantCulture), reply);
                await WaitForSessionLimitAsync(rig, g, 60 + g.Index);
            }));
            var writesBack = rig.SecondsSince(restartedAt);

            // The sessions live on: each call keeps being answered, and /status still shows the conversation.
            await rig.WaitForAnswersAsync(answeredBefore.Select(a => a + 2).ToList(), FailoverTimeout);
            var statuses = await Task.WhenAll(rig.Guilds.Select(g => rig.CommandAsync(g, "status", null)));
            await rig.StopTalkingAsync();
            log.Figure($"redis restart: {keysBefore} keys before, {keysAfter} after; settings written and read back {writesBack:0.0} s after the restart began; "
                + $"turns after: {string.Join(", ", rig.Conversations.Select((c, i) => $"{c.Answered - answeredBefore[i]}"))} answered; "
                + $"unanswered: {Unanswered(rig, restartedAt)}; {ContextUpdates(rig)}");

            Assert.True(keysBefore > 0, "nothing was stored in Redis");
            Assert.Equal(keysBefore, keysAfter);
            // Every session is still the one started before the restart, in its channel. Lost turns are reported in the
            // figure, not asserted: a write in flight at the restart reaches the gateway as a RedisStorageException whose
            // type the gateway cannot load, and the call waits out the 30 s response timeout (README, Scaling out).
            Assert.All(statuses, (s, i) => Assert.Contains("**Session**: Active", s));
            Assert.All(statuses, (s, i) => Assert.Contains($"<#{rig.Guilds[i].VoiceChannelId}>", s));
        }
        catch (Exception e) when (e is not Xunit.Sdk.SkipException)
        {
            throw new InvalidOperationException(e.Message + "\n" + rig.Outputs(), e);
        }
    }

    [Fact]
    public async Task A_gateway_killed_with_sigkill_has_its_conversations_taken_over_and_resumed()
    {
        var log = new ReportWriter(_output);
        await using var rig = await ClusterRig.StartAsync(log);
        try
        {
            await rig.StartConversationsAsync(answers: 2);
            var (victim, survivor) = (rig.Gateways[0], rig.Gateways[1]);
            var orphaned = rig.Conversations.Where(c => c.Guild.Shard(ClusterRig.ShardCount) == 0).ToList();
            // The server forgets a participant whose socket died: the bot back in a call is a new participant (a new SSRC).
            var ssrcsBefore = orphaned.Select(c => rig.Voice.GetParticipant(c.Guild.Id, ClusterRig.BotUserId)!.Ssrc).ToList();
            var connectionsBefore = rig.Gemini.Recording.Connections.Count;
            var conversationsBefore = rig.Gemini.Recording.Connections.Select(c => c.ConversationId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var answeredBefore = rig.Conversations.Select(c => c.Answered).ToList();
            var killedAtUtc = rig.Time.GetUtcNow();
            var killedAt = rig.Time.GetTimestamp();
            await victim.Process.KillHardAsync(ClusterRig.StopTimeout);
            rig.Gateways.Remove(victim);
            rig.Retire(victim.Process);
            rig.Say($"{victim.Process.Name} killed with SIGKILL");

            // The survivor's own account of the takeover, timed as its lines arrive.
            var tookOver = SecondsUntilLineAsync(rig, survivor.Process, "Shard 0: TookOver", killedAt);
            var ready = SecondsUntilLineAsync(rig, survivor.Process, "Shard 0: Ready", killedAt);

            // No user action: the surviving gateway takes shard 0 over, rejoins each call and resumes its Gemini session.
            // Each user speaks again as soon as the bot is back in the call's end-to-end encrypted group with them (a
            // user whose bot went quiet does not wait out a 20 s answer timeout once it is back).
            var back = await Task.WhenAll(orphaned.Select((c, i) => WaitForBotBackAsync(rig, c, ssrcsBefore[i], killedAt)));
            await rig.WaitForAnswersAsync(rig.Conversations.Select((c, i) => Math.Max(c.Answered, answeredBefore[i]) + 1).ToList(), FailoverTimeout);
            var audible = orphaned.Select(c => rig.Time.GetElapsedTime(killedAt, c.Turns.First(t => t.Answered && t.AnswerStartedAt > killedAt).AnswerStartedAt!.Value).TotalSeconds).ToList();
            var resumed = rig.Gemini.Recording.Connections.Skip(connectionsBefore).Where(c => c.Resumed).ToList();
            await rig.StopTalkingAsync();

            var others = rig.Conversations.Except(orphaned).ToList();
            var othersGap = others.Select(c => c.Turns.Where(t => t.Answered && t.SpokenAt > killedAt).Max(t => t.LongestGapMs!.Value)).ToList();
            log.Figure($"gateway kill -> shard 0 taken over {await tookOver:0.0} s, READY {await ready:0.0} s; bot back in each call (voice rejoined, DAVE group with the user) "
                + $"{string.Join(", ", back.Select(s => $"{s:0.0}"))} s; Gemini resumed {string.Join(", ", resumed.Select(c => $"{(c.OpenedAt - killedAtUtc).TotalSeconds:0.0}"))} s; "
                + $"audible again {string.Join(", ", audible.Select(s => $"{s:0.0}"))} s; the other gateway's conversations: longest gap {string.Join(", ", othersGap.Select(g => $"{g:0}"))} ms, "
                + $"unanswered turns {string.Join(", ", others.Select(c => c.Turns.Count(t => !t.Answered && t.SpokenAt > killedAt)))}; unanswered: {Unanswered(rig, killedAt)}; {StreamEndsInSpeech(rig, killedAtUtc)}");

            Assert.All(audible, s => Assert.True(s <= 20, $"audible again only after {s:0.0} s"));
            // Each orphaned conversation was resumed with its own stored handle (the emulator accepted it and restored
            // the conversation it had before the kill), none started afresh.
            Assert.Equal(orphaned.Count, resumed.Select(c => c.ConversationId).Distinct(StringComparer.Ordinal).Count());
            Assert.All(resumed, c => Assert.Contains(c.ConversationId!, conversationsBefore));
            Assert.All(orphaned, c => Assert.Equal(c.Guild.VoiceChannelId, rig.Discord.GetVoiceChannel(c.Guild.Id, ClusterRig.BotUserId)));
            // The surviving gateway's own conversations lose no turn. They used to lose one each in some runs on a loaded
            // machine: the users' frames held up for a few hundred milliseconds in mid-sentence made the gateway end the
            // stream to Gemini there, and the model answered only the sentence's tail (README, lost turns).
            Assert.All(others, c => Assert.All(c.Turns.Where(t => t.SpokenAt > killedAt), t => Assert.True(t.Answered,
                $"guild {c.Guild.Index}: a turn of the surviving gateway went unanswered after the kill; {StreamEndsInSpeech(rig, killedAtUtc)}")));
            Assert.False(survivor.Process.HasExited, "the surviving gateway exited");
        }
        catch (Exception e) when (e is not Xunit.Sdk.SkipException)
        {
            throw new InvalidOperationException(e.Message + "\n" + rig.Outputs(), e);
        }
    }

    /// <summary>
    /// Seconds from <paramref name="origin"/> until the bot joined the guild's call again (a new participant) and shares
    /// the user's executed DAVE epoch; then the user is told to speak again.
    /// </summary>
    private static async Task<double> WaitForBotBackAsync(ClusterRig rig, ClusterConversation conversation, uint ssrcBefore, long origin)
    {
        await rig.WaitForBotInCallAsync(conversation, ssrc => ssrc != ssrcBefore);
        var seconds = rig.SecondsSince(origin);
        conversation.SpeakAgain();
        return seconds;
    }

    private static async Task<double> SecondsUntilLineAsync(ClusterRig rig, ClusterProcess process, string text, long origin)
    {
        await process.WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal), FailoverTimeout, text);
        return rig.SecondsSince(origin);
    }

    [Fact]
    public async Task A_rolling_restart_of_every_process_keeps_every_conversation_audible()
    {
        var log = new ReportWriter(_output);
        await using var rig = await ClusterRig.StartAsync(log);
        try
        {
            await rig.StartConversationsAsync(answers: 2);
            var startedAt = rig.Time.GetTimestamp();
            var steps = new List<string>();

            // Silos first, one at a time, as a deploy does: SIGTERM, the replacement joins, the calls go on answering.
            foreach (var name in rig.Silos.Select(s => s.Name).ToList())
            {
                var silo = rig.Silos.Single(s => s.Name == name);
                var stopping = rig.Time.GetTimestamp();
                await silo.StopAsync(ClusterRig.StopTimeout);
                rig.Silos.Remove(silo);
                rig.Retire(silo);
                var replacement = rig.StartSilo(name);
                rig.Silos.Add(replacement);
                await replacement.WaitForLineAsync(l => l.Contains("Application started", StringComparison.Ordinal), ClusterRig.StartTimeout, "the host to start");
                await rig.WaitForAnswersAsync(rig.Conversations.Select(c => c.Answered + 1).ToList(), FailoverTimeout);
                steps.Add($"{name} {rig.SecondsSince(stopping):0.0} s");
            }

            // Then each gateway in surge order, as a Kubernetes RollingUpdate with maxSurge 1 and maxUnavailable 0 does: the
            // replacement starts with the same SHARD_IDS, waits as a ready standby without connecting the shard, and the old
            // process's SIGTERM hands the shard and its live sessions straight to it (one cut per call).
            var cuts = new List<int>();
            var atPause = new List<bool>();
            var gatewaysFrom = rig.Time.GetTimestamp();
            for (var shard = 0; shard < ClusterRig.ShardCount; shard++)
            {
                var gateway = rig.Gateways[shard];
                var other = rig.Gateways[(shard + 1) % ClusterRig.ShardCount].Process;
                var otherResumed = other.CountLines("SessionResumed");
                var replacement = rig.StartGateway(gateway.Process.Name + "-next", shard);
                rig.Gateways.Add(replacement);
                await rig.WaitHealthyAsync(replacement.Process, replacement.HealthPort);
                await gateway.Process.WaitForLineAsync(l => l.Contains($"Shard {shard}: Standby (peer {replacement.Process.Name}", StringComparison.Ordinal),
                    FailoverTimeout, $"{replacement.Process.Name} as the standby of shard {shard}");
                var cutsBefore = rig.Discord.VoiceEndedByReidentify.Count;

                var stopping = rig.Time.GetTimestamp();
                await gateway.Process.StopAsync(ClusterRig.StopTimeout);
                rig.Retire(gateway.Process);
                var stopped = rig.SecondsSince(stopping);
                rig.Gateways.Remove(replacement);
                rig.Gateways[shard] = replacement;
                await Wait.UntilAsync(() => replacement.Process.CountLines($"Shard {shard}: SessionResumed") == ClusterRig.GuildCount / ClusterRig.ShardCount,
                    replacement.Process.Changed, FailoverTimeout, () => $"the sessions of shard {shard} on {replacement.Process.Name}");
                var handedOver = rig.SecondsSince(stopping);
                await rig.WaitHealthyAsync(replacement.Process, replacement.HealthPort);
                await rig.WaitForAnswersAsync(rig.Conversations.Select(c => c.Answered + 1).ToList(), FailoverTimeout);
                cuts.Add(rig.Discord.VoiceEndedByReidentify.Count - cutsBefore);
                atPause.Add(gateway.Process.CountLines($"Shard {shard}: its {ClusterRig.GuildCount / ClusterRig.ShardCount} calls at a pause") == 1);
                Assert.Equal(otherResumed, other.CountLines("SessionResumed"));
                steps.Add($"{gateway.Process.Name} {stopped:0.0} s to stop, its {ClusterRig.GuildCount / ClusterRig.ShardCount} sessions resumed on the standby "
                    + $"{replacement.Process.Name} {handedOver:0.0} s after the SIGTERM, handed {(atPause[^1] ? "at a pause of its calls" : "with calls talking")}");
            }

            await rig.WaitForAnswersAsync(rig.Conversations.Select(c => c.Answered + 1).ToList(), FailoverTimeout);
            await rig.StopTalkingAsync();
            // The turns begun once the restart began (one begun before may still have been waiting for its answer).
            var after = rig.Conversations.Select(c => c.Turns.Where(t => t.SpokenAt >= startedAt).ToList()).ToList();
            var gaps = after.Select(t => t.Where(x => x.Answered).Max(x => x.LongestGapMs!.Value)).ToList();
            log.Figure($"rolling restart of 2 silos and 2 gateways in {rig.SecondsSince(startedAt):0} s ({string.Join("; ", steps)}): longest gap in each conversation's answers "
                + $"{string.Join(", ", gaps.Select(g => $"{g:0}"))} ms; turns {string.Join(", ", after.Select(t => $"{t.Count(x => x.Answered)}/{t.Count}"))} answered; "
                + $"unanswered (relative to the restart's start): {Unanswered(rig, startedAt)}; gateway restarts began at +{(gatewaysFrom - startedAt) / (double)rig.Time.TimestampFrequency:0.0} s; "
                + $"calls cut per gateway restart {string.Join(", ", cuts)}; {ContextUpdates(rig)}");

            // Each call is cut once: the standby's identify ends the shard's voice connections (4014) once, and it is the
            // only identify of the shard in the gateway restarts.
            Assert.All(cuts, c => Assert.Equal(ClusterRig.GuildCount / ClusterRig.ShardCount, c));
            // No turn is lost at a handover made at a pause of the shard's calls: the sentence in flight (or the one whose
            // answer was being generated) travels in the handoff and is answered by the standby. A shard whose calls were
            // not at a pause at once within Shards:PauseWait is handed over anyway: a call loses at most the sentence said
            // while the bot is out of it (README, Scaling out). Turns lost while the silos restart are reported, not
            // asserted here (seen before this change, not explained: README).
            var lostAtHandover = rig.Conversations.Select(c => c.Turns.Count(t => t.SpokenAt >= gatewaysFrom && !t.Answered)).ToList();
            Assert.All(rig.Conversations, (c, i) => Assert.True(
                lostAtHandover[i] <= (atPause[c.Guild.Shard(ClusterRig.ShardCount)] ? 0 : 1),
                $"guild {i}: {lostAtHandover[i]} turns lost at its shard's handover ({(atPause[c.Guild.Shard(ClusterRig.ShardCount)] ? "made at a pause" : "calls talking")})"));
            // An answer being played when the standby's identify cuts the call is heard again from its start once the bot
            // is back (the handoff makes the model answer again): its gap is the bot's time out of the call. A handover
            // at a pause cuts no answer.
            Assert.All(rig.Conversations, (c, i) =>
            {
                var bound = atPause[c.Guild.Shard(ClusterRig.ShardCount)] ? 1000 : 3000;
                Assert.True(gaps[i] <= bound, $"guild {i}: a {gaps[i]:0} ms gap in the bot's answer (bound {bound} ms)");
            });
        }
        catch (Exception e) when (e is not Xunit.Sdk.SkipException)
        {
            throw new InvalidOperationException(e.Message + "\n" + rig.Outputs(), e);
        }
    }

    /// <summary>Each unanswered turn: its guild and when the user began it, in seconds relative to <paramref name="origin"/>.</summary>
    private static string Unanswered(ClusterRig rig, long origin)
    {
        var turns = rig.Conversations.SelectMany(c => c.Turns.Where(t => !t.Answered)
            .Select(t => $"guild {c.Guild.Index} at {(t.SpokenAt - origin) / (double)rig.Time.TimestampFrequency:+0.0;-0.0} s")).ToList();
        return turns.Count == 0 ? "none" : string.Join(", ", turns);
    }

    /// <summary>
    /// Since <paramref name="originUtc"/>: the <c>audioStreamEnd</c>s the Gemini emulator received with the users' audio
    /// going on within half a second (the stream ended in the middle of their words, which cuts a sentence into two
    /// turns), and the longest gap between two frames as the scripted users sent them (the rig's own lateness).
    /// </summary>
    private static string StreamEndsInSpeech(ClusterRig rig, DateTimeOffset originUtc)
    {
        var ends = 0;
        foreach (var connection in rig.Gemini.Recording.Connections)
        {
            var arrivals = connection.AudioArrivals;
            ends += connection.AudioStreamEndTimes.Count(end => end > originUtc
                && arrivals.FirstOrDefault(a => a.At > end) is { } next && next.At - end < TimeSpan.FromMilliseconds(500));
        }

        var sendGap = rig.Conversations.SelectMany(c => c.Turns).Select(t => t.LongestSendGap).DefaultIfEmpty().Max();
        return $"Gemini audioStreamEnd inside the users' words: {ends}; the users' longest send gap {sendGap.TotalMilliseconds:0} ms";
    }

    /// <summary>How many persona updates (contextUpdate) the Gemini emulator received: none is asked for by these tests.</summary>
    private static string ContextUpdates(ClusterRig rig) =>
        $"Gemini contextUpdates received: {rig.Gemini.Recording.Connections.Sum(c => c.ContextUpdates.Count)}, Live connections: {rig.Gemini.Recording.Connections.Count}";

    private static async Task SetSessionLimitsAsync(ClusterRig rig, int minutes)
    {
        var replies = await Task.WhenAll(rig.Guilds.Select(g => rig.CommandAsync(g, "settings", ClusterRig.SessionLimit(minutes + g.Index))));
        Assert.All(replies, (r, i) => Assert.Contains((minutes + i).ToString(CultureInfo.InvariantCulture), r));
    }

    /// <summary>
    /// /settings show until it reports <paramref name="minutes"/> (bounded): a grain whose silo just died answers once
    /// Orleans has declared the silo dead and reactivated the grain elsewhere; a reply in between says it failed.
    /// </summary>
    private static async Task WaitForSessionLimitAsync(ClusterRig rig, ClusterGuild guild, int minutes)
    {
        var expected = $"{minutes} minutes";
        var started = rig.Time.GetTimestamp();
        var last = "";
        // Four tries a second, as a user retrying: asking back to back made the gateways answer hundreds of commands a
        // second (each failed one logged with its stack) in the very seconds whose audio the test measures.
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(250), rig.Time);
        while (rig.Time.GetElapsedTime(started) < FailoverTimeout)
        {
            last = await rig.CommandAsync(guild, "settings", ClusterRig.SettingsShow);
            if (last.Contains(expected, StringComparison.Ordinal))
            {
                return;
            }

            await pace.WaitForNextTickAsync();
        }

        Assert.Fail($"guild {guild.Index}: /settings show never reported \"{expected}\"; last reply: {last}");
    }

    /// <summary>The rig's lines to the test output, figures also to the file CHORUS_CLUSTER_REPORT names.</summary>
    private sealed class ReportWriter(ITestOutputHelper output) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => output.WriteLine(value ?? "");

        public void Figure(string line)
        {
            WriteLine("[figure] " + line);
            if (Environment.GetEnvironmentVariable("CHORUS_CLUSTER_REPORT") is { Length: > 0 } path)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}
