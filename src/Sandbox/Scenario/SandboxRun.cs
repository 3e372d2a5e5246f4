using System.Text.Json.Nodes;
using Chorus.Diagnostics;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;

namespace Chorus.Sandbox.Scenario;

/// <summary>
/// One sandbox run: says each step as it happens (seconds since the start, who, what), and keeps what it saw so that
/// the report can be printed whether the run ends, fails or is stopped.
/// </summary>
internal sealed class SandboxRun
{
    private const string Interruption = "Wait, stop, stop.";

    private static readonly string[] Lines =
    [
        "Hello there, can you hear me?",
        "Tell me something about the sea.",
        "What a lovely day it is today.",
    ];

    private readonly TextWriter _output;
    private readonly SandboxOptions _options;
    private readonly SandboxLog _log;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly long _startedAt;
    private readonly List<SandboxTurn> _turns = [];
    private SandboxWorld? _world;
    private StreamingBridge? _bridge;
    private MeterTotals? _bridgeCounts;
    private ScriptedVoiceUser? _user;
    private string _speechSource = "";
    private int? _turnInProgress;
    private string? _settingsReply;
    private string? _transcriptsReply;
    private int _transcriptsPosted;
    private string? _joinReply;
    private string? _personaReply;
    private bool? _personaReachedModel;
    private bool? _personaInNextAnswer;
    private string? _statusReply;
    private string? _leaveReply;
    private bool _leftCleanly;
    private string? _privacyCode;
    private ulong? _daveEpoch;

    public SandboxRun(TextWriter output, SandboxOptions options)
    {
        _output = output;
        _options = options;
        _log = new SandboxLog(options.Verbose ? output : null, _time);
        _startedAt = _time.GetTimestamp();
    }

    private TimeSpan Wait => _options.StepTimeout;

    /// <summary>Answers cut short so far, by the model or by local barge-in.</summary>
    private long Interruptions => _bridgeCounts?.Total(GatewayMetrics.Instruments.Interruptions) ?? 0;

    public async Task<SandboxReport> RunAsync(CancellationToken cancellationToken)
    {
        var cancelled = false;
        string? failure = null;
        try
        {
            var endpoint = _options.GeminiBaseUrl is { } url ? (url, _options.GeminiApiKey ?? "") : ((Uri, string)?)null;
            _world = await SandboxWorld.StartAsync(_output, Wait, _options.HostArguments, cancellationToken, _log, endpoint);
            await ConverseAsync(_world, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            Say("", "stopped (Ctrl+C); the report so far follows");
        }
        catch (Exception e)
        {
            failure = OneLine(e.Message);
            Say("", "the run failed: " + failure);
        }

        ReadCall();
        if (_world is not null)
        {
            failure ??= await StopAsync(_world);
        }

        _bridgeCounts?.Dispose();

        var (stalls, longest) = _log.Stalls;
        return new SandboxReport
        {
            SpeechSource = _speechSource,
            TurnsPlanned = _options.Turns,
            Turns = [.. _turns],
            TurnInProgress = _turnInProgress,
            Uplink = _bridge?.Latency.Uplink.Summarize() ?? default,
            Downlink = _bridge?.Latency.Downlink.Summarize() ?? default,
            SendInterval = _bridge?.Latency.SendInterval.Summarize() ?? default,
            ServerBargeIn = _bridge?.Latency.ServerBargeIn.Summarize() ?? default,
            LocalBargeIn = _bridge?.Latency.LocalBargeIn.Summarize() ?? default,
            Interruptions = _bridgeCounts?.Total(GatewayMetrics.Instruments.Interruptions, GatewayMetrics.Tags.Cause, GatewayMetrics.Tags.Server) ?? 0,
            LocalBargeIns = _bridgeCounts?.Total(GatewayMetrics.Instruments.Interruptions, GatewayMetrics.Tags.Cause, GatewayMetrics.Tags.LocalBargeIn) ?? 0,
            SettingsReply = _settingsReply,
            TranscriptsReply = _transcriptsReply,
            TranscriptsPosted = _transcriptsPosted,
            JoinReply = _joinReply,
            PersonaReply = _personaReply,
            PersonaReachedModel = _personaReachedModel,
            PersonaInNextAnswer = _personaInNextAnswer,
            StatusReply = _statusReply,
            LeaveReply = _leaveReply,
            LeftCleanly = _leftCleanly,
            PrivacyCode = _privacyCode,
            DaveEpoch = _daveEpoch,
            Cancelled = cancelled,
            Failure = failure,
            BotProblems = _log.Problems,
            FirstBotProblem = _log.FirstProblem,
            Stalls = stalls,
            LongestStall = longest,
        };
    }

    private async Task ConverseAsync(SandboxWorld world, CancellationToken cancellationToken)
    {
        var guild = unchecked((long)SandboxScenario.GuildId);
        // The bot's only conversation: its host's bridge instruments count nothing else.
        _bridgeCounts = new MeterTotals(world.App.Services.GetRequiredService<ChorusMetrics>().Gateway.Meter);
        _user = world.Voice.AddScriptedUser(SandboxScenario.GuildId, SandboxScenario.UserId, recordSampleRate: 24000, channelId: SandboxScenario.VoiceChannelId);
        await ConfigureAsync(world, cancellationToken);
        _joinReply = await CommandAsync(world, "/join", "join", null, cancellationToken);
        _bridge = world.Runner.BridgeOf(guild) ?? throw new InvalidOperationException("the bot did not start a conversation: " + OneLine(_joinReply));

        // The persona changes mid-conversation, before the second turn, so the next answer comes under it.
        var personaBefore = Math.Min(2, _options.Turns);
        for (var number = 1; number <= _options.Turns; number++)
        {
            if (number == personaBefore)
            {
                await ChangePersonaAsync(world, cancellationToken);
            }

            var line = Lines[(number - 1) % Lines.Length];
            var (pcm, source) = SandboxSpeech.Utterance(line, world.WorkDirectory);
            _speechSource = source;
            _turnInProgress = number;
            _turns.Add(await SpeakAsync(world, _user, _bridge, number, line, pcm, interrupt: number == _options.Turns, cancellationToken));
            _turnInProgress = null;
            if (number == 1)
            {
                await SeeTranscriptAsync(world, cancellationToken);
            }
            if (number == personaBefore)
            {
                CheckPersonaInAnswer(world.Gemini);
            }
        }

        _statusReply = await CommandAsync(world, "/status", "status", null, cancellationToken);
        ReadCall();
        _leaveReply = await CommandAsync(world, "/leave", "leave", null, cancellationToken);
        _leftCleanly = await SandboxScenario.WaitUntilAsync(() => !world.Runner.IsRunning(guild), Wait, cancellationToken);
        _transcriptsPosted = Transcripts(world).Count;
        Say("bot", _leftCleanly ? "conversation ended; left the voice channel" : $"still in the conversation {Wait.TotalSeconds:0} s after /leave");
    }

    private async Task<SandboxTurn> SpeakAsync(
        SandboxWorld world, ScriptedVoiceUser user, StreamingBridge bridge, int number, string line, short[] pcm, bool interrupt,
        CancellationToken cancellationToken)
    {
        var bot = SandboxScenario.BotUserId;
        var speechSeconds = pcm.Length / (double)SandboxSpeech.SampleRate;
        var heardBefore = user.Heard(bot).Length;
        var interruptionsBefore = Interruptions;
        Say("user", $"says \"{line}\" ({speechSeconds:0.0} s of speech)");
        await user.SpeakAsync(pcm, SandboxSpeech.SampleRate, cancellationToken: cancellationToken);
        var stoppedAt = _time.GetTimestamp();
        var heardAtStop = user.Heard(bot).Length;
        double? responseMs = null;
        try
        {
            await user.WaitForHeardAsync(bot, heardAtStop + 480, Wait).WaitAsync(cancellationToken);
            responseMs = _time.GetElapsedTime(stoppedAt).TotalMilliseconds;
            Say("bot", $"answers, {responseMs:0} ms after the user stopped");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Say("bot", $"no answer within {Wait.TotalSeconds:0} s of the user stopping");
        }

        double? answeredBeforeInterrupting = null;
        var toldStop = false;
        if (interrupt && responseMs is not null)
        {
            // Talk over the answer a quarter of a second in: the bot must stop. What it said by the end of
            // the interruption is the part of this answer that was played (its reply to "stop" comes later).
            await user.WaitForHeardAsync(bot, heardAtStop + 6000, Wait).WaitAsync(cancellationToken);
            var (over, _) = SandboxSpeech.Utterance(Interruption, world.WorkDirectory);
            Say("user", $"talks over the answer: \"{Interruption}\"");
            var speaking = user.SpeakAsync(over, SandboxSpeech.SampleRate, cancellationToken: cancellationToken);
            var stopped = await SandboxScenario.WaitUntilAsync(
                () => Interruptions > interruptionsBefore || speaking.IsCompleted, Wait, cancellationToken);
            if (stopped && !speaking.IsCompleted)
            {
                Say("bot", $"stops talking: interrupted {(user.Heard(bot).Length - heardBefore) / 24000.0:0.0} s into its answer");
                toldStop = true;
            }

            await speaking;
            answeredBeforeInterrupting = (user.Heard(bot).Length - heardBefore) / 24000.0;
        }

        await SandboxScenario.WaitUntilAsync(() => !bridge.IsBotSpeaking, Wait, cancellationToken);
        var answered = answeredBeforeInterrupting ?? (user.Heard(bot).Length - heardBefore) / 24000.0;
        var interrupted = Interruptions > interruptionsBefore;
        if (interrupted && !toldStop)
        {
            Say("bot", $"was interrupted: {answered:0.0} s of its answer played");
        }
        else if (responseMs is not null && !interrupted)
        {
            Say("bot", $"finished its answer ({answered:0.0} s)");
        }

        return new SandboxTurn(number, line, speechSeconds, responseMs, answered, interrupted);
    }

    /// <summary>
    /// Before the call, the server's settings as an admin sees them, then transcripts turned on in the text channel: a
    /// session started from then on posts what was said there after each answer.
    /// </summary>
    private async Task ConfigureAsync(SandboxWorld world, CancellationToken cancellationToken)
    {
        _settingsReply = await CommandAsync(world, "/settings show", "settings", [new JsonObject { ["name"] = "show", ["type"] = 1 }], cancellationToken);
        var transcripts = new JsonArray(
            new JsonObject
            {
                ["name"] = "transcripts",
                ["type"] = 1,
                ["options"] = new JsonArray(new JsonObject
                {
                    ["name"] = "channel",
                    ["type"] = 7,
                    ["value"] = SandboxScenario.TextChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }),
            });
        _transcriptsReply = await CommandAsync(world, "/settings transcripts channel:#general", "settings", transcripts, cancellationToken);
    }

    /// <summary>The first turn's transcript, as the bot posted it in the text channel.</summary>
    private async Task SeeTranscriptAsync(SandboxWorld world, CancellationToken cancellationToken)
    {
        if (!await SandboxScenario.WaitUntilAsync(() => Transcripts(world).Count > 0, Wait, cancellationToken))
        {
            Say("bot", $"posted no transcript in #general within {Wait.TotalSeconds:0} s of the answer");
            return;
        }

        var text = Transcripts(world)[0].Replace("**", "", StringComparison.Ordinal).ReplaceLineEndings(" | ");
        Say("bot", $"posts the transcript in #general: \"{text}\"");
    }

    private static List<string> Transcripts(SandboxWorld world) =>
    [
        .. world.Discord.ChannelMessages.Snapshot()
            .Where(m => m.ChannelId == SandboxScenario.TextChannelId)
            .Select(m => m.Body?["content"]?.GetValue<string>() ?? "")
            .Where(c => c.StartsWith("**Heard:**", StringComparison.Ordinal) || c.StartsWith("**Said:**", StringComparison.Ordinal)),
    ];

    private async Task ChangePersonaAsync(SandboxWorld world, CancellationToken cancellationToken)
    {
        var options = new JsonArray(
            new JsonObject
            {
                ["name"] = "set",
                ["type"] = 1,
                ["options"] = new JsonArray(new JsonObject { ["name"] = "text", ["type"] = 3, ["value"] = SandboxScenario.Persona }),
            });
        _personaReply = await CommandAsync(world, $"/persona set \"{SandboxScenario.Persona}\"", "persona", options, cancellationToken);
        if (world.Gemini is not { } gemini)
        {
            Say("model", "(whether the model got the persona is not observable outside the emulator)");
            return;
        }

        _personaReachedModel = await SandboxScenario.WaitUntilAsync(() => HoldingPersona(gemini.Recording) is not null, Wait, cancellationToken);
        if (HoldingPersona(gemini.Recording) is { } connection)
        {
            var how = connection.ContextUpdates.Contains(SandboxScenario.Persona)
                ? $"a contextUpdate on the open session (connection {connection.Index})"
                : $"a new session set up with it (connection {connection.Index})";
            Say("model", $"system instruction is now \"{SandboxScenario.Persona}\", by {how}");
        }
        else
        {
            Say("model", $"the new persona did not reach the model within {Wait.TotalSeconds:0} s");
        }
    }

    /// <summary>Whether the answer just heard came from a model holding the new persona (the emulator's record of it).</summary>
    private void CheckPersonaInAnswer(GeminiLiveEmulator? gemini)
    {
        if (gemini is null || _personaReachedModel is not true)
        {
            return;
        }

        var answer = gemini.Recording.Turns.LastOrDefault(t => t.FirstReplyAt is not null);
        var connection = answer is null ? null : gemini.Recording.Connections.FirstOrDefault(c => c.Index == answer.ConnectionIndex);
        var persona = connection is null ? null : connection.ContextUpdates.LastOrDefault() ?? connection.SystemInstruction;
        _personaInNextAnswer = persona == SandboxScenario.Persona;
        Say("model", _personaInNextAnswer is true
            ? "that answer came from the model holding the new persona (the emulator echoes, so it sounds the same)"
            : "that answer came from a model still holding the old persona");
    }

    private static GeminiEmulatorConnection? HoldingPersona(GeminiEmulatorRecording recording) =>
        recording.Connections.LastOrDefault(c =>
            c.ContextUpdates.Contains(SandboxScenario.Persona) || (c.SetupCompleted && c.SystemInstruction == SandboxScenario.Persona));

    private async Task<string> CommandAsync(SandboxWorld world, string typed, string command, JsonArray? options, CancellationToken cancellationToken)
    {
        Say("user", typed);
        var reply = await SandboxScenario.RunCommandAsync(world.Discord, command, Wait, options, cancellationToken);
        var lines = reply.Replace("**", "", StringComparison.Ordinal).Split('\n');
        Say("bot", "-> " + lines[0]);
        foreach (var more in lines.Skip(1))
        {
            _output.WriteLine($"{"",17}   {more}");
        }

        return reply;
    }

    /// <summary>What the call's end-to-end encryption looked like to the scripted user, while it is still in the call.</summary>
    private void ReadCall()
    {
        if (_user?.Dave is { } dave && _leaveReply is null)
        {
            _privacyCode = dave.PrivacyCode;
            _daveEpoch = dave.Epoch;
        }
    }

    /// <summary>Stops the bot, bounded, whatever state the run is in. Returns why it could not, or null.</summary>
    private async Task<string?> StopAsync(SandboxWorld world)
    {
        try
        {
            if (world.App is not null)
            {
                await world.App.StopAsync(CancellationToken.None).WaitAsync(Wait);
            }

            await world.DisposeAsync().AsTask().WaitAsync(Wait);
            return null;
        }
        catch (Exception e)
        {
            return "stopping the bot: " + OneLine(e.Message);
        }
    }

    private void Say(string who, string what)
    {
        var at = _time.GetElapsedTime(_startedAt).TotalSeconds;
        _output.WriteLine($"{at,6:0.0} s  {who,-5}  {what}");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
