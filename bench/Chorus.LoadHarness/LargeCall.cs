using System.Diagnostics;
using System.Globalization;
using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;
using Chorus.Gateway.Bridge;

namespace Chorus.LoadHarness;

/// <summary>
/// The large-server case: one call of many members (one DAVE group), a few speaking at once, members joining and
/// leaving about once a second. Reports what each epoch change costs the bot (MLS commit and Welcome handling) and the
/// longest gap in its audio both ways across those changes.
/// </summary>
internal static class LargeCall
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/Chorus.LoadHarness -- large-call [options]
          --members N     people in the call besides the bot (2-200, default 50)
          --speakers N    how many of them talk at once (1-members, default 5)
          --seconds S     measured time with members joining and leaving (default 30)
          --churn-ms MS   one member leaves or joins every MS milliseconds (default 1000)
        """;

    private const ulong Guild = 900_000;
    private const ulong Channel = Guild + 1;
    private const ulong FirstMember = 10_000;
    private static readonly TimeSpan DaveTimeout = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        int members = 50, speakers = 5, churnMs = 1000;
        double seconds = 30;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : "";
            switch (args[i])
            {
                case "--members" when int.TryParse(value, CultureInfo.InvariantCulture, out var m) && m is >= 2 and <= 200:
                    members = m;
                    i++;
                    break;
                case "--speakers" when int.TryParse(value, CultureInfo.InvariantCulture, out var s) && s >= 1:
                    speakers = s;
                    i++;
                    break;
                case "--seconds" when double.TryParse(value, CultureInfo.InvariantCulture, out var t) && t > 0:
                    seconds = t;
                    i++;
                    break;
                case "--churn-ms" when int.TryParse(value, CultureInfo.InvariantCulture, out var c) && c >= 100:
                    churnMs = c;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"large-call: '{args[i]}' is not allowed here.");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (speakers > members)
        {
            Console.Error.WriteLine($"large-call: --speakers {speakers} is more than --members {members}.");
            return 2;
        }

        await using var voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        await using var gemini = await GeminiLiveEmulator.StartAsync(new GeminiEmulatorOptions { Reply = GeminiReplyMode.Echo });
        (var utterance, var source) = Utterance.Create(1.5, forceChirp: false);
        var frames = ScriptedVoiceUser.EncodeOpus(utterance, Utterance.SampleRate);
        var speech = TimeSpan.FromSeconds(utterance.Length / (double)Utterance.SampleRate);
        Console.WriteLine($"Large call: {members} members + the bot, {speakers} talking at once ({source}), a member leaves or joins every {churnMs} ms");

        var setup = Stopwatch.StartNew();
        // The members there from the start and the joiners count their DAVE sessions apart, each group on a meter of its own.
        var originalMetrics = new DiscordMetrics();
        using var originalCounts = new MeterTotals(originalMetrics.Meter);
        var joinerMetrics = new DiscordMetrics();
        using var joinerCounts = new MeterTotals(joinerMetrics.Meter);
        var inCall = new List<ScriptedVoiceUser>();
        var nextMember = FirstMember;
        for (var i = 0; i < members; i++)
        {
            var user = voice.AddScriptedUser(Guild, nextMember++, recordSampleRate: 8000, channelId: i == 0 ? Channel : 0, daveMetrics: originalMetrics);
            inCall.Add(user);
            if (i > 0)
            {
                // A group forms once a second member is there; each later one waits for its Welcome, as people do.
                await Task.WhenAll(inCall.Select(u => u.WaitForDaveReadyAsync())).WaitAsync(DaveTimeout);
            }
        }

        Console.WriteLine($"{members} members in one DAVE group after {setup.Elapsed.TotalSeconds:0.0} s");
        var probe = new LoadConversationProbe();
        var credentials = voice.CreateCredentials(Guild, ScriptedTalk.Bot);
        await using var bot = await LoadConversation.ConnectAsync(
            new VoiceServerCredentials(credentials.Endpoint, credentials.GuildId, credentials.UserId, credentials.SessionId, credentials.Token),
            gemini.BaseUri, new StreamingBridgeOptions { LocalBargeIn = false }, dave: true, CancellationToken.None, probe);
        await WaitUntilAsync(() => bot.Dave!.IsReadyToSend, DaveTimeout, "the bot's DAVE session to be ready");
        Console.WriteLine($"The bot joined the call and is ready to send after {setup.Elapsed.TotalSeconds:0.0} s");

        foreach (var speaker in inCall.Take(speakers))
        {
            var id = speaker.UserId;
            speaker.FrameRelayed += (sequence, due, from, until) => probe.OnMemberSent(id, sequence, due, from, until);
        }

        using var stop = new CancellationTokenSource();
        // The speakers talk together and pause together, so the bot answers (and is heard) in every pause.
        var talking = inCall.Take(speakers).Select(s => ScriptedTalk.TalkAsync(s, frames, speech, interruptEvery: 0, TimeSpan.Zero, static () => { }, stop.Token)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3));
        probe.Reset();
        bot.Bridge.Latency.SendInterval.Reset();
        var transitionsBefore = bot.DiscordTotals.Total(DiscordMetrics.DaveTransitionsName);
        var gateway = voice.GetDaveDeliveryService(Guild)!;
        var (commitsBefore, executedBefore, timedOutBefore) = await ReadGatewayAsync(voice);
        var decryptFailuresBefore = bot.DiscordTotals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending);
        var inTransitionBefore = bot.DiscordTotals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.TransitionPending);
        var notReadyBefore = bot.DiscordTotals.Total(DiscordMetrics.DaveFramesNotReadyName);
        var heardBefore = inCall.Skip(speakers).Sum(u => u.PacketsHeard);
        var mixedBefore = bot.Bridge.Mixer.FramesMixed;
        var tally = new JoinerTally();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var joins = 0;
        var leaves = 0;
        // Members there before the churn began are judged apart from joiners: a joiner cannot decrypt frames sent under
        // keys from before its Welcome, but a member that stays must decrypt everything once a transition window ends.
        var original = inCall.ToList();
        var originalBefore = MemberFailures(original, originalCounts);
        var joiners = new List<ScriptedVoiceUser>();
        var leave = true;
        // On a fixed schedule, so a slow leave or join does not stretch the interval between changes.
        using var churn = new PeriodicTimer(TimeSpan.FromMilliseconds(churnMs));
        while (wall.Elapsed.TotalSeconds < seconds && await churn.WaitForNextTickAsync())
        {
            if (leave && inCall.Count > speakers + 1)
            {
                // The longest-standing listener leaves (never a speaker).
                var leaving = inCall[speakers];
                inCall.RemoveAt(speakers);
                await voice.RemoveScriptedUserAsync(Guild, leaving.UserId);
                leaves++;
            }
            else
            {
                var joining = voice.AddScriptedUser(Guild, nextMember++, recordSampleRate: 8000, daveMetrics: joinerMetrics);
                tally.Watch(joining);
                inCall.Add(joining);
                joiners.Add(joining);
                joins++;
            }

            leave = !leave;
        }

        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var measured = wall.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(talking);

        var ops = probe.OpcodeMilliseconds();
        Console.WriteLine();
        Console.WriteLine($"Measured {measured:0.0} s: {joins} joins, {leaves} leaves, {bot.DiscordTotals.Total(DiscordMetrics.DaveTransitionsName) - transitionsBefore} DAVE transitions executed by the bot");
        var (commitsAfter, executedAfter, timedOutAfter) = await ReadGatewayAsync(voice);
        Console.WriteLine($"The gateway: {commitsAfter - commitsBefore} commits accepted, {executedAfter - executedBefore} transitions executed, {timedOutAfter - timedOutBefore} of them by the {gateway.TransitionTimeout.TotalSeconds:0.0} s timeout (members still not ready)");
        Console.WriteLine("Bot's DAVE opcode handling (ms): opcode  count  p50  p99  max");
        foreach (var (opcode, values) in ops.OrderBy(p => p.Key))
        {
            Array.Sort(values);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {opcode,4} {Name(opcode),-28} {values.Length,5} {Percentile(values, 0.5),7:0.00} {Percentile(values, 0.99),7:0.00} {values[^1],7:0.00}"));
        }

        var longest = probe.Longest;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Uplink (members -> bot): {probe.Frames} frames received; longest gap inside an utterance {longest.AtPcm:0.0} ms (at the bot's PCM output)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  those two frames ({longest.SequenceStep} apart): sent {longest.AtSend:0.0} ms apart (the later relayed {longest.SenderLate:0.0} ms after due, its fan-out {longest.Relay:0.0} ms), off the bot's socket {longest.AtSocket:0.0} ms apart, socket to PCM {longest.BotLag:0.00} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  longest anywhere: gap between a member's sends {probe.LongestSendGapMs:0.0} ms (a send up to {probe.LatestSendMs:0.0} ms after due, a fan-out up to {probe.LongestRelayMs:0.0} ms); gap off the bot's socket {probe.LongestReceiveGapMs:0.0} ms; bot socket to PCM {probe.LongestBotLagMs:0.00} ms"));
        var (encryptUs, decryptUs, bridgeUs) = probe.CallMicroseconds();
        Console.WriteLine($"  bot DAVE frame decrypt (µs): {Summary(decryptUs)}; encrypt: {Summary(encryptUs)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  bot decrypt failures: {bot.DiscordTotals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending) - decryptFailuresBefore} ({bot.DiscordTotals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.TransitionPending) - inTransitionBefore} inside a transition window), frames dropped before ready: {bot.DiscordTotals.Total(DiscordMetrics.DaveFramesNotReadyName) - notReadyBefore}"));
        var send = bot.Bridge.Latency.SendInterval.Summarize();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Downlink (bot -> members): send interval {send}; packets heard by listeners {inCall.Skip(speakers).Sum(u => u.PacketsHeard) - heardBefore}"));
        var mixed = bot.Bridge.Mixer.FramesMixed - mixedBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Mixer: {mixed} mixed 20 ms frames; bridge (mixer + gate) per decoded frame (µs): {Summary(bridgeUs)}; per mixed frame {bridgeUs.Sum() / Math.Max(1, mixed):0.0} µs"));
        var (mixUs, mixBytes) = MeasureMixer(speakers);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  mixer alone, {speakers} speakers' frames in, one 20 ms frame out: {mixUs:0.0} µs per mixed frame (best of 5 runs of 5000), {mixBytes:0} B allocated per frame"));
        var originalAfter = MemberFailures(original, originalCounts);
        var joined = MemberFailures(joiners, joinerCounts);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  DAVE decrypt failures of the {original.Count} members there from the start: {originalAfter.Outside - originalBefore.Outside} outside a transition window, {originalAfter.During - originalBefore.During} inside"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  of the {joiners.Count} joiners: {joined.Outside} outside, {joined.During} inside; frames they could not decrypt in all (before their Welcome too): {joined.NotDecrypted}"));
        Console.WriteLine($"  joiners' frames not decrypted, by the joiner's state when the frame came (from members / from the bot): {tally}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU of this process (bot + emulator + {inCall.Count} scripted MLS members): {cpu.TotalSeconds / measured * 100:0.0} % of a core; {Environment.ProcessorCount} cores"));
        return 0;
    }


    private static (long Outside, long During, long NotDecrypted) MemberFailures(IEnumerable<ScriptedVoiceUser> members, MeterTotals counts)
    {
        var list = members.ToList();
        return (counts.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending),
            counts.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.TransitionPending), list.Sum(u => (long)u.DecryptFailures));
    }

    /// <summary>
    /// The mixer on its own, fed every speaker's frame for each slot as the receive path does: wall time per mixed frame
    /// on this thread, best of five runs (the least disturbed by other work on the machine), and bytes allocated.
    /// </summary>
    private static (double Microseconds, double Bytes) MeasureMixer(int speakers)
    {
        const int Frames = 5000;
        var pcm = new short[speakers][];
        for (var s = 0; s < speakers; s++)
        {
            pcm[s] = new short[SpeakerMixer.FrameSamples];
            for (var i = 0; i < pcm[s].Length; i++)
            {
                pcm[s][i] = (short)(6000 * Math.Sin((i + (s * 37)) * 0.05 * (s + 1)));
            }
        }

        var sink = new CountingSink();
        using var mixer = new SpeakerMixer(sink, TimeProvider.System);
        var best = double.MaxValue;
        var bytes = 0.0;
        for (var run = 0; run < 6; run++)
        {
            var mixedBefore = sink.Frames;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var f = 0; f < Frames; f++)
            {
                for (var s = 0; s < speakers; s++)
                {
                    mixer.AddFrame((ulong)(s + 1), pcm[s]);
                }
            }

            var us = Stopwatch.GetElapsedTime(started).TotalMicroseconds / Math.Max(1, sink.Frames - mixedBefore);
            if (run > 0)
            {
                // The first run warms the JIT and the speakers' queues.
                best = Math.Min(best, us);
                bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / Frames;
            }
        }

        return (best, bytes);
    }

    private sealed class CountingSink : IMixedAudioSink
    {
        public long Frames { get; private set; }

        public void OnMixedFrame(ReadOnlySpan<short> pcm, long receivedAt) => Frames++;
    }

    private static string Summary(double[] values)
    {
        if (values.Length == 0)
        {
            return "n=0";
        }

        Array.Sort(values);
        return string.Create(CultureInfo.InvariantCulture,
            $"n={values.Length} p50={Percentile(values, 0.5):0.0} p99={Percentile(values, 0.99):0.0} max={values[^1]:0.0}");
    }

    private static string Name(int opcode) => opcode switch
    {
        21 => "prepare transition",
        22 => "execute transition",
        24 => "prepare epoch",
        25 => "external sender",
        27 => "proposals",
        29 => "announce commit",
        30 => "welcome",
        _ => "",
    };

    private static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>The gateway's counters, read under its DAVE lock (its exchanges run on other threads).</summary>
    private static async Task<(int Commits, int Executed, int TimedOut)> ReadGatewayAsync(EmulatedVoiceServer voice)
    {
        var counts = (0, 0, 0);
        await voice.ScriptDaveDeliveryServiceAsync(Guild, g => counts = (g.CommitsAccepted, g.TransitionsExecuted, g.TransitionsTimedOut));
        return counts;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Joiners' frames that did not decrypt, by the joiner's DAVE state when each arrived: before its Welcome (no keys
    /// at all), Welcome or commit processed but the transition not executed yet, or executed. Frames from the bot apart.
    /// </summary>
    private sealed class JoinerTally
    {
        // The scripted user raises PacketHeard, decrypts and raises FrameHeard on one thread, in one call. A packet whose
        // PacketHeard came before Watch subscribed has no slot: its FrameHeard is not counted (that race printed -1).
        [ThreadStatic]
        private static int _slot;

        [ThreadStatic]
        private static ScriptedVoiceUser? _slotOf;

        private readonly long[] _heard = new long[6];
        private readonly long[] _decrypted = new long[6];

        public void Watch(ScriptedVoiceUser joiner)
        {
            joiner.PacketHeard += from =>
            {
                var dave = joiner.Dave!;
                var groupEpoch = dave.GroupEpoch;
                var state = groupEpoch is null ? 0 : groupEpoch != dave.Epoch ? 1 : 2;
                _slot = (state * 2) + (from == ScriptedTalk.Bot ? 1 : 0);
                _slotOf = joiner;
                Interlocked.Increment(ref _heard[_slot]);
            };
            joiner.FrameHeard += (_, _) =>
            {
                if (ReferenceEquals(_slotOf, joiner))
                {
                    _slotOf = null;
                    Interlocked.Increment(ref _decrypted[_slot]);
                }
            };
        }

        public override string ToString()
        {
            long Lost(int slot) => Interlocked.Read(ref _heard[slot]) - Interlocked.Read(ref _decrypted[slot]);
            return $"before the Welcome {Lost(0)} / {Lost(1)}, transition pending {Lost(2)} / {Lost(3)}, after it executed {Lost(4)} / {Lost(5)}";
        }
    }
}
