using System.Diagnostics;
using Chorus.Emulators.Discord;
using Chorus.Emulators.Voice;
using Chorus.Gateway.Sessions;

namespace Chorus.Sandbox.Scenario;

/// <summary>
/// The whole bot, in this process, against the emulated Discord (gateway, REST, voice) and Gemini Live:
/// a scripted user joins a voice channel, runs /join, says a few things, interrupts the bot once and
/// runs /leave. Nothing leaves the loopback interface and no account is needed.
/// </summary>
public static class SandboxScenario
{
    public const ulong GuildId = 1_200_000_000_000_000_000;
    public const ulong TextChannelId = 1_200_000_000_000_000_001;
    public const ulong VoiceChannelId = 1_200_000_000_000_000_002;
    public const ulong UserId = 1_200_000_000_000_000_003;
    // Shaped like a real bot token (three base64url parts): the bot checks the shape before it dials Discord.
    internal const string DiscordToken = "c2FuZGJveA.sandbox.discord-token";
    internal const string GeminiKey = "sandbox-gemini-key";

    private static readonly string[] Lines =
    [
        "Hello there, can you hear me?",
        "Tell me something about the sea.",
        "What a lovely day it is today.",
    ];

    public static async Task<SandboxReport> RunAsync(TextWriter output, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(30);
        await using var world = await SandboxWorld.StartAsync(output, wait, [], cancellationToken);
        var (voice, discord, app, work) = (world.Voice, world.Discord, world.App, world.WorkDirectory);
        var user = voice.AddScriptedUser(GuildId, UserId, recordSampleRate: 24000, channelId: VoiceChannelId);
        var joinReply = await RunCommandAsync(discord, "join", wait);
        output.WriteLine($"/join -> {joinReply}");
        var runner = app.Services.GetRequiredService<VoiceSessionRunner>();
        var bridge = runner.BridgeOf(unchecked((long)GuildId)) ?? throw new InvalidOperationException("The bot did not start a conversation: " + joinReply);

        var turns = new List<SandboxTurn>();
        var source = "";
        for (var i = 0; i < Lines.Length; i++)
        {
            var (pcm, from) = SandboxSpeech.Utterance(Lines[i], work);
            source = from;
            var interrupt = i == Lines.Length - 1;
            turns.Add(await SpeakAsync(user, bridge, i + 1, Lines[i], pcm, interrupt, work, wait, cancellationToken));
        }

        var privacyCode = user.Dave?.PrivacyCode;
        var epoch = user.Dave?.Epoch;
        var leaveReply = await RunCommandAsync(discord, "leave", wait);
        output.WriteLine($"/leave -> {leaveReply}");
        var left = await WaitUntilAsync(() => !runner.IsRunning(unchecked((long)GuildId)), wait);
        var report = new SandboxReport(source, turns, bridge.Latency.Uplink.Summarize(), bridge.Latency.Downlink.Summarize(),
            bridge.Latency.SendInterval.Summarize(), bridge.Latency.ServerBargeIn.Summarize(), bridge.Latency.LocalBargeIn.Summarize(),
            bridge.Counters.Interruptions, bridge.Counters.LocalBargeIns, joinReply, leaveReply, left)
        {
            PrivacyCode = privacyCode,
            DaveEpoch = epoch,
        };
        await app.StopAsync(cancellationToken).WaitAsync(wait, cancellationToken);
        Print(report, output);
        return report;
    }

    private static async Task<SandboxTurn> SpeakAsync(
        ScriptedVoiceUser user, Chorus.Gateway.Bridge.StreamingBridge bridge, int number, string line, short[] pcm,
        bool interrupt, string work, TimeSpan wait, CancellationToken cancellationToken)
    {
        var heardBefore = user.Heard(ScenarioBot).Length;
        var interruptionsBefore = bridge.Counters.Interruptions + bridge.Counters.LocalBargeIns;
        await user.SpeakAsync(pcm, SandboxSpeech.SampleRate, cancellationToken: cancellationToken);
        var stoppedAt = Stopwatch.GetTimestamp();
        var heardAtStop = user.Heard(ScenarioBot).Length;
        double? responseMs = null;
        try
        {
            await user.WaitForHeardAsync(ScenarioBot, heardAtStop + 480, wait);
            responseMs = Stopwatch.GetElapsedTime(stoppedAt).TotalMilliseconds;
        }
        catch (OperationCanceledException)
        {
        }
        double? answeredBeforeInterrupting = null;
        if (interrupt && responseMs is not null)
        {
            // Talk over the answer a quarter of a second in: the bot must stop. What it said by the end of
            // the interruption is the part of this answer that was played (its reply to "stop" comes later).
            await user.WaitForHeardAsync(ScenarioBot, heardAtStop + 6000, wait);
            var (over, _) = SandboxSpeech.Utterance("Wait, stop, stop.", work);
            await user.SpeakAsync(over, SandboxSpeech.SampleRate, cancellationToken: cancellationToken);
            answeredBeforeInterrupting = (user.Heard(ScenarioBot).Length - heardBefore) / 24000.0;
        }
        await WaitUntilAsync(() => !bridgeSpeaking(bridge), wait);
        var answered = answeredBeforeInterrupting ?? (user.Heard(ScenarioBot).Length - heardBefore) / 24000.0;
        var interrupted = bridge.Counters.Interruptions + bridge.Counters.LocalBargeIns > interruptionsBefore;
        return new SandboxTurn(number, line, pcm.Length / (double)SandboxSpeech.SampleRate, responseMs, answered, interrupted);

        static bool bridgeSpeaking(Chorus.Gateway.Bridge.StreamingBridge b) => b.IsBotSpeaking;
    }

    private static ulong ScenarioBot => new DiscordEmulatorOptions().BotUserId;

    public static async Task<string> RunCommandAsync(DiscordEmulator discord, string command, TimeSpan wait)
    {
        var interaction = await discord.InvokeCommandAsync(GuildId, TextChannelId, UserId, command);
        var reply = await discord.InteractionReplies.WaitForAsync(
            r => r.Token == interaction.Token && (r.Kind == InteractionReplyKind.EditOriginal || r.CallbackType == 4), wait);
        return reply.Content ?? "";
    }

    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan wait)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }
        return true;
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Print(SandboxReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Speech: {report.SpeechSource}");
        output.WriteLine("turn  said                                   speech   response   answer   interrupted");
        foreach (var t in report.Turns)
        {
            var response = t.ResponseMs is { } ms ? $"{ms,7:0} ms" : "     none";
            output.WriteLine($"{t.Number,4}  {t.Said,-37}  {t.SpeechSeconds,5:0.0} s  {response}  {t.AnsweredSeconds,5:0.0} s   {(t.Interrupted ? "yes" : "no")}");
        }
        output.WriteLine();
        output.WriteLine("figure                                   measured");
        output.WriteLine($"uplink (frame in -> Gemini socket)       {report.Uplink}");
        output.WriteLine($"downlink (model audio -> first RTP)      {report.Downlink}");
        output.WriteLine($"send clock (interval between frames)     {report.SendInterval}");
        output.WriteLine($"barge-in (interrupted -> playout clear)  {report.ServerBargeIn}");
        output.WriteLine($"local barge-in (speech -> playout clear) {report.LocalBargeIn}");
        output.WriteLine($"interruptions: {report.Interruptions} from the server, {report.LocalBargeIns} local");
        output.WriteLine(report.PrivacyCode is { } code
            ? $"end-to-end encrypted (DAVE): epoch {report.DaveEpoch}, voice privacy code {string.Join(' ', code.Chunk(5).Select(c => new string(c)))}"
            : "end-to-end encrypted (DAVE): NO");
        output.WriteLine($"left the channel cleanly: {(report.LeftCleanly ? "yes" : "NO")}");
    }
}
