using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;
using Chorus.Gateway.Diagnostics;

namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>
/// <c>--scenario voice-drop</c>: mid-conversation the voice server ends the bot's voice session (close 4006, session no
/// longer valid). The bot must ask Discord for fresh credentials (op 4 again), rejoin the call with them, re-enter the
/// end-to-end encrypted group, and carry on the same Gemini conversation: the user's next turn, spoken as the session
/// drops, and the one after it are both answered. Prints each step, the figures, and a PASS or FAIL line.
/// </summary>
public static class VoiceDropScenario
{
    public const string Name = "voice-drop";

    private const string BeforeLine = "Hello there, can you hear me?";
    private const string DuringLine = "Tell me something about the sea.";
    private const string AfterLine = "What a lovely day it is today.";

    /// <summary>Runs the scenario; the report's <see cref="VoiceDropReport.ExitCode"/> is the process's.</summary>
    public static async Task<VoiceDropReport> RunAsync(TextWriter output, SandboxOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var synchronized = TextWriter.Synchronized(output);
        var run = new VoiceDropRun(synchronized, options);
        var report = await run.RunAsync(cancellationToken);
        Print(report, synchronized);
        return report;
    }

    private static void Print(VoiceDropReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("turn  said                                   speech   answered  response");
        foreach (var turn in report.Turns)
        {
            output.WriteLine($"{turn.Number,4}  {turn.Line,-37}  {turn.SpeechSeconds,5:0.0} s   {(turn.ResponseMs is null ? "NO " : "yes"),-8}  "
                + (turn.ResponseMs is { } ms ? $"{ms,6:0} ms" : "     -"));
        }

        output.WriteLine();
        output.WriteLine("figure                                          measured");
        Figure(output, "4006 -> voice session back (fresh credentials)", report.RejoinedMs);
        Figure(output, "4006 -> end-to-end encrypted group again", report.EncryptedAgainMs);
        Figure(output, "4006 -> bot heard again (answer to the turn)", report.HeardAgainMs);
        if (report.FramesSentDuringTurn is { } sent)
        {
            var relayed = report.FramesRelayedToBot ?? 0;
            var lost = Math.Max(0, sent - relayed) + report.FramesRefusedByBot;
            output.WriteLine($"{"user audio of the sentence cut by the drop",-46}  sent {sent * 20} ms, relayed to the bot {relayed * 20} ms, "
                + $"not decryptable {report.FramesRefusedByBot * 20} ms: lost {lost * 20} ms");
        }

        output.WriteLine($"{"credential refreshes / rejoins / refused",-46}  {report.CredentialRefreshes} / {report.Rejoins} / {report.RefusedIdentifies}");
        output.WriteLine($"{"op 4 sent for the channel",-46}  {report.VoiceStateCommands}");
        output.WriteLine($"{"Gemini Live sessions opened",-46}  {report.GeminiConnections} (the conversation was kept)");
        if (report.BotProblems > 0)
        {
            output.WriteLine($"bot warnings and errors: {report.BotProblems} (first: {report.FirstBotProblem})");
        }

        output.WriteLine(report.Passed
            ? $"PASS voice-drop: rejoined with fresh credentials in {report.RejoinedMs:0} ms; every turn answered ({report.Turns.Count(t => t.ResponseMs is not null)} of {report.Turns.Count}), no user turn lost"
            : $"FAIL voice-drop: {string.Join("; ", report.Failures)}");
    }

    private static void Figure(TextWriter output, string name, double? ms) =>
        output.WriteLine($"{name,-46}  {(ms is { } value ? $"{value:0} ms" : "not reached")}");

    /// <summary>One turn: what the user said and whether (and how fast) the bot answered.</summary>
    public sealed record Turn(int Number, string Line, double SpeechSeconds, double? ResponseMs);

    private sealed class VoiceDropRun(TextWriter output, SandboxOptions options)
    {
        private readonly TimeProvider _time = TimeProvider.System;
        private readonly long _startedAt = TimeProvider.System.GetTimestamp();
        private readonly DateTimeOffset _startedAtUtc = TimeProvider.System.GetUtcNow();
        private readonly SandboxLog _log = new(options.Verbose ? output : null);
        private readonly List<Turn> _turns = [];
        private readonly List<string> _failures = [];

        private TimeSpan Wait => options.StepTimeout;

        public async Task<VoiceDropReport> RunAsync(CancellationToken cancellationToken)
        {
            var report = new VoiceDropReport();
            SandboxWorld? world = null;
            try
            {
                world = await SandboxWorld.StartAsync(output, Wait, [], cancellationToken, _log);
                report = await DropAsync(world, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Say("", "stopped (Ctrl+C)");
                report = report with { Cancelled = true };
                _failures.Add("stopped before the end");
            }
            catch (Exception e)
            {
                Say("", "the run failed: " + e.Message.ReplaceLineEndings(" "));
                _failures.Add("the run failed: " + e.Message.ReplaceLineEndings(" "));
            }
            finally
            {
                if (world is not null)
                {
                    try
                    {
                        await world.App.StopAsync(CancellationToken.None).WaitAsync(Wait, CancellationToken.None);
                        await world.DisposeAsync().AsTask().WaitAsync(Wait, CancellationToken.None);
                    }
                    catch (Exception e)
                    {
                        _failures.Add("stopping the bot: " + e.Message.ReplaceLineEndings(" "));
                    }
                }
            }

            return report with
            {
                Turns = [.. _turns],
                Failures = [.. _failures],
                BotProblems = _log.Problems,
                FirstBotProblem = _log.FirstProblem,
            };
        }

        private async Task<VoiceDropReport> DropAsync(SandboxWorld world, CancellationToken cancellationToken)
        {
            var guild = unchecked((long)SandboxScenario.GuildId);
            var bot = SandboxScenario.BotUserId;
            var user = world.Voice.AddScriptedUser(SandboxScenario.GuildId, SandboxScenario.UserId, recordSampleRate: 24000, channelId: SandboxScenario.VoiceChannelId);
            Say("user", "/join");
            var joined = await SandboxScenario.RunCommandAsync(world.Discord, "join", Wait, cancellationToken: cancellationToken);
            Say("bot", "-> " + joined.Split('\n')[0]);
            var voice = world.Runner.VoiceOf(guild) ?? throw new InvalidOperationException("the bot did not start a conversation: " + joined.ReplaceLineEndings(" "));
            // The world's host runs one voice connection (this guild's): its Discord meter counts that connection.
            using var botCounts = new MeterTotals(world.App.Services.GetRequiredService<ChorusMetrics>().Discord.Meter);
            long BotCount(string instrument, KeyValuePair<string, object?> tag) => botCounts.Total(instrument, tag.Key, tag.Value!);
            var geminiConnections = world.Gemini!.Recording.Connections.Count;

            await SpeakAsync(world, user, 1, BeforeLine, cancellationToken);
            var codeBefore = user.Dave?.PrivacyCode;

            // The drop: half a second into the user's next sentence, the voice server ends the bot's session. What the
            // user says while the bot is out of the call reaches nobody, as on Discord.
            var sentBefore = user.FramesSent;
            var relayedBefore = world.Voice.Counters.RelayedOut;
            var refusedBefore = BotCount(DiscordMetrics.PacketsDroppedName, MetricTag.FrameDecryptFailed);
            long? droppedAt = null;
            var speaking = SpeakAsync(world, user, 2, DuringLine, cancellationToken, () => droppedAt);
            await SandboxScenario.WaitUntilAsync(() => user.FramesSent - sentBefore >= 25, Wait, cancellationToken);
            droppedAt = _time.GetTimestamp();
            Say("voice", "closes the bot's voice session mid-sentence: 4006 session no longer valid");
            await world.Voice.CloseClientAsync(SandboxScenario.GuildId, bot, 4006, cancellationToken);
            var rejoined = WhenAsync(() => voice.State == VoiceConnectionState.Ready && BotCount(DiscordMetrics.VoiceReconnectsName, MetricTag.Rejoin) >= 1, droppedAt.Value, cancellationToken);
            var encrypted = WhenAsync(
                () => user.Dave is null || (user.Dave.IsReadyToSend && user.Dave.PrivacyCode is { } code && code != codeBefore && Joined(world, bot)),
                droppedAt.Value, cancellationToken);
            var rejoinedMs = await rejoined;
            var encryptedMs = await encrypted;
            if (rejoinedMs is { } r)
            {
                Say("bot", $"rejoined the call with fresh credentials {r:0} ms after the close");
            }

            if (encryptedMs is { } e)
            {
                Say("bot", $"back in the end-to-end encrypted group {e:0} ms after the close (new voice privacy code)");
            }

            var during = await speaking;
            var framesSent = user.FramesSent - sentBefore;
            var framesRelayed = world.Voice.Counters.RelayedOut - relayedBefore;
            await SpeakAsync(world, user, 3, AfterLine, cancellationToken);
            var sameConnection = ReferenceEquals(voice, world.Runner.VoiceOf(guild));
            var commands = world.Discord.VoiceStateCommands.Snapshot().Count(c => c.ChannelId == SandboxScenario.VoiceChannelId);
            var report = new VoiceDropReport
            {
                RejoinedMs = rejoinedMs,
                EncryptedAgainMs = encryptedMs,
                HeardAgainMs = during.HeardAgainMs,
                FramesSentDuringTurn = framesSent,
                FramesRelayedToBot = (int)framesRelayed,
                FramesRefusedByBot = (int)(BotCount(DiscordMetrics.PacketsDroppedName, MetricTag.FrameDecryptFailed) - refusedBefore),
                CredentialRefreshes = BotCount(DiscordMetrics.CredentialRefreshesName, MetricTag.Success),
                Rejoins = BotCount(DiscordMetrics.VoiceReconnectsName, MetricTag.Rejoin),
                RefusedIdentifies = world.Voice.Counters.RejectedIdentifies,
                VoiceStateCommands = commands,
                GeminiConnections = world.Gemini.Recording.Connections.Count,
            };

            if (options.Verbose)
            {
                SayModelView(world.Gemini!);
            }

            Say("user", "/leave");
            var left = await SandboxScenario.RunCommandAsync(world.Discord, "leave", Wait, cancellationToken: cancellationToken);
            Say("bot", "-> " + left.Split('\n')[0]);
            var leftCleanly = await SandboxScenario.WaitUntilAsync(() => !world.Runner.IsRunning(guild), Wait, cancellationToken);

            Check(rejoinedMs is not null, "the bot did not rejoin the call");
            Check(BotCount(DiscordMetrics.CredentialRefreshesName, MetricTag.Success) == 1, $"{BotCount(DiscordMetrics.CredentialRefreshesName, MetricTag.Success)} credential refreshes (expected 1: op 4 again)");
            Check(commands == 2, $"{commands} op 4 for the channel (expected 2: the join and the rejoin)");
            Check(world.Voice.Counters.RejectedIdentifies == 0, $"{world.Voice.Counters.RejectedIdentifies} identifies refused (stale credentials)");
            Check(sameConnection, "the voice connection was replaced instead of rejoining");
            Check(report.GeminiConnections == geminiConnections, $"{report.GeminiConnections - geminiConnections} new Gemini sessions (the conversation should be kept)");
            Check(encryptedMs is not null, "the bot did not re-enter the end-to-end encrypted group");
            Check(_turns.Count == 3 && _turns.All(t => t.ResponseMs is not null), "a turn went unanswered: " + string.Join(", ", _turns.Where(t => t.ResponseMs is null).Select(t => t.Number)));
            Check(leftCleanly, "the bot did not leave cleanly");
            return report;
        }

        /// <summary>
        /// What the Gemini emulator saw, for a failure's reader: when each audioStreamEnd came (an end inside the user's
        /// words splits a turn) and each turn the model answered, in the run's seconds.
        /// </summary>
        private void SayModelView(GeminiLiveEmulator gemini)
        {
            string At(DateTimeOffset at) => $"{(at - _startedAtUtc).TotalSeconds:0.00}";
            foreach (var connection in gemini.Recording.Connections)
            {
                Say("model", $"connection {connection.Index}: audioStreamEnd at {string.Join(", ", connection.AudioStreamEndTimes.Select(At))} s");
            }

            foreach (var turn in gemini.Recording.Turns)
            {
                Say("model", $"turn {turn.Number} (connection {turn.ConnectionIndex}): speech ended {At(turn.SpeechEndedAt)} s, "
                    + $"{turn.UtteranceBytes / 32} ms heard, first reply {(turn.FirstReplyAt is { } f ? At(f) + " s" : "none")}, "
                    + $"completed {(turn.CompletedAt is { } c ? At(c) + " s" : "no")}");
            }
        }

        private static bool Joined(SandboxWorld world, ulong bot) => world.Voice.GetParticipant(SandboxScenario.GuildId, bot)?.Joined == true;

        private async Task<(double? ResponseMs, double? HeardAgainMs)> SpeakAsync(
            SandboxWorld world, ScriptedVoiceUser user, int number, string line, CancellationToken cancellationToken, Func<long?>? droppedAt = null)
        {
            var bot = SandboxScenario.BotUserId;
            var (pcm, _) = SandboxSpeech.Utterance(line, world.WorkDirectory);
            var speechSeconds = pcm.Length / (double)SandboxSpeech.SampleRate;
            Say("user", $"says \"{line}\" ({speechSeconds:0.0} s of speech)");
            await user.SpeakAsync(pcm, SandboxSpeech.SampleRate, cancellationToken: cancellationToken);
            var stoppedAt = _time.GetTimestamp();
            var heardAtStop = user.Heard(bot).Length;
            double? responseMs = null;
            double? heardAgainMs = null;
            try
            {
                await user.WaitForHeardAsync(bot, heardAtStop + 480, Wait).WaitAsync(cancellationToken);
                responseMs = _time.GetElapsedTime(stoppedAt).TotalMilliseconds;
                heardAgainMs = droppedAt?.Invoke() is { } at ? _time.GetElapsedTime(at).TotalMilliseconds : null;
                Say("bot", $"answers, {responseMs:0} ms after the user stopped");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Say("bot", $"no answer within {Wait.TotalSeconds:0} s of the user stopping");
            }

            if (world.Runner.BridgeOf(unchecked((long)SandboxScenario.GuildId)) is { } bridge)
            {
                await SandboxScenario.WaitUntilAsync(() => !bridge.IsBotSpeaking, Wait, cancellationToken);
            }

            _turns.Add(new Turn(number, line, speechSeconds, responseMs));
            return (responseMs, heardAgainMs);
        }

        private async Task<double?> WhenAsync(Func<bool> condition, long since, CancellationToken cancellationToken) =>
            await SandboxScenario.WaitUntilAsync(condition, Wait, cancellationToken) ? _time.GetElapsedTime(since).TotalMilliseconds : null;

        private void Check(bool holds, string failure)
        {
            if (!holds)
            {
                _failures.Add(failure);
            }
        }

        private void Say(string who, string what)
        {
            var at = _time.GetElapsedTime(_startedAt).TotalSeconds;
            output.WriteLine($"{at,6:0.0} s  {who,-5}  {what}");
        }
    }
}

/// <summary>What the voice-drop scenario measured and whether it passed.</summary>
public sealed record VoiceDropReport
{
    public IReadOnlyList<VoiceDropScenario.Turn> Turns { get; init; } = [];

    /// <summary>From the 4006 until the same voice connection is Ready again on fresh credentials.</summary>
    public double? RejoinedMs { get; init; }

    /// <summary>From the 4006 until the user and the bot share a new DAVE group (new privacy code).</summary>
    public double? EncryptedAgainMs { get; init; }

    /// <summary>From the 4006 until the user hears the bot's answer to the turn spoken into the drop.</summary>
    public double? HeardAgainMs { get; init; }

    /// <summary>20 ms frames the user sent for the turn spoken into the drop (speech and its silence tail).</summary>
    public int? FramesSentDuringTurn { get; init; }

    /// <summary>Of those, the frames the voice server relayed to the bot (none while it was out of the call).</summary>
    public int? FramesRelayedToBot { get; init; }

    /// <summary>Relayed frames the bot's DAVE session could not decrypt (sent before the new group formed).</summary>
    public int FramesRefusedByBot { get; init; }

    public long CredentialRefreshes { get; init; }

    public long Rejoins { get; init; }

    public long RefusedIdentifies { get; init; }

    public int VoiceStateCommands { get; init; }

    public int GeminiConnections { get; init; }

    public int BotProblems { get; init; }

    public string? FirstBotProblem { get; init; }

    public bool Cancelled { get; init; }

    public IReadOnlyList<string> Failures { get; init; } = [];

    public bool Passed => Failures.Count == 0 && !Cancelled;

    public int ExitCode => Cancelled ? 130 : Passed ? 0 : 1;
}
