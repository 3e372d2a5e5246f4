using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Chorus.Discord.Interactions;
using Chorus.Emulators.Discord;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;

namespace Chorus.LoadHarness;

/// <summary>
/// <c>--path full</c>: the bot as it is deployed, in its own processes from the build output (the all-in-one host, or a
/// silo and two gateways of one shard each), against the emulators in this process: N guilds, each with one user who
/// runs /join and then talks in turns. Everything is measured from outside the bot: CPU and memory of its processes,
/// and send interval and answer latency at the emulated voice server.
/// </summary>
internal sealed class FullPathRun : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(4);

    // Shaped like a bot token (three base64url parts): the gateway checks the shape before it dials Discord.
    private const string DiscordToken = "bG9hZGhhcm5lc3M.harness.discord-token-value";
    private const string GeminiKey = "harness-gemini-key";

    private readonly LoadHarnessOptions _options;
    private readonly string _work;
    private readonly List<BotProcess> _processes = [];
    private readonly CancellationTokenSource _stopTalking = new();
    private readonly List<Task> _talking = [];
    private readonly WireMeter _wire = new();
    private readonly List<Uri> _scrapeEndpoints = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private EmulatedVoiceServer? _voice;
    private GeminiLiveEmulator? _gemini;
    private DiscordEmulator? _discord;

    private FullPathRun(LoadHarnessOptions options)
    {
        _options = options;
        _work = Directory.CreateTempSubdirectory("chorus-fullpath-").FullName;
    }

    private static ulong BotUserId => new DiscordEmulatorOptions().BotUserId;

    /// <summary>Guild i lives on shard i % shard count: Discord routes a guild by (id &gt;&gt; 22) % shard count.</summary>
    private static ulong GuildId(int index) => (ulong)(50_000 + index) << 22;

    private static ulong TextChannelId(ulong guild) => guild + 1;

    private static ulong VoiceChannelId(ulong guild) => guild + 2;

    private static ulong UserId(ulong guild) => guild + 3;

    public static async Task<FullPathReport> RunAsync(LoadHarnessOptions options, CancellationToken interrupted)
    {
        FullPathReport report;
        await using (var run = new FullPathRun(options))
        {
            report = await run.MeasureAsync(interrupted);
        }

        if (options.CompareBare)
        {
            // The bare pipeline measured the same way: the emulators in a child process, so the CPU is the bots' alone.
            Console.WriteLine();
            Console.WriteLine($"Bare pipeline, same N ({options.Conversations}), emulators in a child process, DAVE on...");
            var bare = await Program.RunAsync(options with { Path = HarnessPath.Bare, Split = true, Dave = true }, interrupted);
            report = report with { Bare = bare };
        }
        return report;
    }

    private async Task<FullPathReport> MeasureAsync(CancellationToken interrupted)
    {
        var (utterance, source) = Utterance.Create(_options.UtteranceSeconds, _options.Chirp);
        Console.WriteLine($"Utterance: {source}, {utterance.Length / (double)Utterance.SampleRate:0.00} s");
        var frames = ScriptedVoiceUser.EncodeOpus(utterance, Utterance.SampleRate);
        var speech = TimeSpan.FromSeconds((double)utterance.Length / Utterance.SampleRate);

        // Discord only accepts end-to-end encrypted voice (DAVE): so does the voice server here.
        _voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        _gemini = await GeminiLiveEmulator.StartAsync(new GeminiEmulatorOptions { ApiKey = GeminiKey, Reply = GeminiReplyMode.Echo });
        _discord = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions
        {
            Token = DiscordToken,
            VoiceServers = new EmulatedVoiceServerProvider(_voice),
            RecommendedShards = _options.Gateways,
        });
        await AddGuildsAsync(_discord);

        var started = Stopwatch.StartNew();
        await StartBotAsync();
        Console.WriteLine($"Bot up ({string.Join(", ", _processes.Select(p => p.Name))}) after {started.Elapsed.TotalSeconds:0.0} s");

        // The hosts' own cost with no call (Orleans membership, health checks, the shards' heartbeats), to tell it from the calls'.
        // Start-up work (tiered JIT, the first membership rounds) runs on for a while after the hosts are healthy.
        await DelayUnlessInterruptedAsync(IdleSettle, interrupted);
        var idleBefore = _processes.Select(p => p.ProcessorTime).ToList();
        var idleWall = Stopwatch.StartNew();
        await DelayUnlessInterruptedAsync(IdleWindow, interrupted);
        var idleCpu = _processes.Select((p, i) => p.ProcessorTime - idleBefore[i]).Sum(c => c.TotalSeconds) / idleWall.Elapsed.TotalSeconds * 100;

        var joined = await JoinAllAsync();
        Console.WriteLine($"Joined {joined.Count}/{_options.Conversations} calls (bot in each call's DAVE group) after {started.Elapsed.TotalSeconds:0.0} s");
        for (var i = 0; i < joined.Count; i++)
        {
            var (guild, user) = joined[i];
            user.PacketHeard += from =>
            {
                if (from == BotUserId)
                {
                    _wire.BotPacket(guild);
                }
            };
            var offset = ScriptedTalk.StartOffset(i, joined.Count, _options.UtteranceSeconds);
            _talking.Add(ScriptedTalk.TalkAsync(user, frames, speech, _options.InterruptEvery, offset, () => _wire.SpeechEnded(guild), _stopTalking.Token));
        }

        await DelayUnlessInterruptedAsync(TimeSpan.FromSeconds(_options.WarmupSeconds), interrupted);
        var workingSets = _processes.Select(p => p.WorkingSet).ToList();
        _wire.Reset();
        var histogramsBefore = await ScrapedHistograms.ScrapeAsync(_http, _scrapeEndpoints);
        var cpuBefore = _processes.Select(p => p.ProcessorTime).ToList();
        var wall = Stopwatch.StartNew();
        Console.WriteLine($"Measuring for {_options.Seconds:0.#} s...");
        await DelayUnlessInterruptedAsync(TimeSpan.FromSeconds(_options.Seconds), interrupted);
        var cpu = _processes.Select((p, i) => p.ProcessorTime - cpuBefore[i]).ToList();
        var seconds = wall.Elapsed.TotalSeconds;
        var wire = _wire.Snapshot();
        var latencies = (await ScrapedHistograms.ScrapeAsync(_http, _scrapeEndpoints)).Since(histogramsBefore);
        var exited = _processes.Where(p => p.HasExited).Select(p => p.Name).ToList();
        if (exited.Count > 0)
        {
            Console.Error.WriteLine($"Bot processes that exited during the run: {string.Join(", ", exited)}");
        }

        var n = Math.Max(1, joined.Count);
        return new FullPathReport
        {
            Conversations = _options.Conversations,
            Joined = joined.Count,
            Gateways = _options.Gateways,
            MeasuredSeconds = seconds,
            Utterance = source,
            ProcessorCount = Environment.ProcessorCount,
            LoadAverage = LoadAverage(),
            Processes =
            [
                .. _processes.Select((p, i) => new BotProcessFigures(
                    p.Name, cpu[i].TotalSeconds / seconds * 100, cpu[i].TotalSeconds / seconds / Math.Max(1, ServedBy(p, joined)) * 100,
                    workingSets[i] / 1048576.0)),
            ],
            CpuPercentOfCorePerConversation = cpu.Sum(c => c.TotalSeconds) / seconds / n * 100,
            IdleCpuPercentOfCore = idleCpu,
            Wire = wire,
            BotLatencies = latencies,
        };
    }

    /// <summary>The joined conversations whose voice runs in <paramref name="process"/>: a gateway serves its shard's guilds.</summary>
    private int ServedBy(BotProcess process, List<(ulong Guild, ScriptedVoiceUser User)> joined) =>
        process.Shard is { } shard ? joined.Count(j => (int)((j.Guild >> 22) % (ulong)_options.Gateways) == shard) : joined.Count;

    private async Task AddGuildsAsync(DiscordEmulator discord)
    {
        const ulong everyone = (ulong)(Permissions.ViewChannel | Permissions.SendMessages | Permissions.Connect | Permissions.Speak);
        for (var i = 0; i < _options.Conversations; i++)
        {
            var guild = GuildId(i);
            await discord.AddGuildAsync(new EmulatedGuild(guild, $"Guild {i}", UserId(guild))
                .WithRole(new EmulatedRole(guild, "@everyone", everyone))
                .WithChannel(new EmulatedChannel(TextChannelId(guild), "general", EmulatedChannel.Text))
                .WithChannel(new EmulatedChannel(VoiceChannelId(guild), "Lounge", EmulatedChannel.Voice))
                .WithMember(new EmulatedMember(UserId(guild), $"user-{i}", []))
                .WithVoiceState(UserId(guild), VoiceChannelId(guild)));
        }
    }

    private async Task StartBotAsync()
    {
        var discord = _discord!;
        // The bot's own wire latencies are read from its scrape endpoints (OpenTelemetry collecting costs +0.01 points
        // of CPU per conversation: README, Capacity sweep).
        var common = new[]
        {
            $"--Discord:ApiBaseUrl={discord.ApiBaseUrl}", $"--Gemini:BaseUrl={_gemini!.BaseUri}", "--Voice:UseTls=false",
            "--Metrics:Prometheus:Enabled=true",
        };
        var secrets = new Dictionary<string, string> { ["DISCORD_TOKEN"] = DiscordToken, ["GEMINI_API_KEY"] = GeminiKey };
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var dashboardPort = FreePort();
        string[] siloArgs =
        [
            $"--Dashboard:Port={dashboardPort}", $"--Chorus:SiloPort={siloPort}", $"--Chorus:GatewayPort={gatewayPort}",
            $"--Storage:Sqlite:DataSource={Path.Combine(_work, "bot.db")}",
        ];
        var siloHealth = new Uri($"http://127.0.0.1:{dashboardPort}/health");
        if (_options.Gateways == 1)
        {
            var host = BotProcess.Start("all-in-one", BuildOutput.Silo, [.. siloArgs, .. common, "--Gateway:Id=harness-gateway"], secrets, _work);
            _processes.Add(host);
            _scrapeEndpoints.Add(new Uri($"http://127.0.0.1:{dashboardPort}/metrics"));
            await host.WaitHealthyAsync(siloHealth, StartTimeout);
            return;
        }

        var silo = BotProcess.Start("silo", BuildOutput.Silo, siloArgs, new Dictionary<string, string> { ["Chorus__Mode"] = "Silo" }, _work);
        _processes.Add(silo);
        await silo.WaitHealthyAsync(siloHealth, StartTimeout);
        var waits = new List<Task>();
        for (var shard = 0; shard < _options.Gateways; shard++)
        {
            var healthPort = FreePort();
            var name = $"gateway-{shard}";
            var gateway = BotProcess.Start(name, BuildOutput.Gateway,
                [.. common, $"--Health:Port={healthPort}", $"--Chorus:GatewayPort={gatewayPort}"],
                new Dictionary<string, string>(secrets)
                {
                    ["GATEWAY_ID"] = name,
                    ["SHARD_IDS"] = shard.ToString(CultureInfo.InvariantCulture),
                    ["SHARD_COUNT"] = _options.Gateways.ToString(CultureInfo.InvariantCulture),
                }, _work, shard);
            _processes.Add(gateway);
            _scrapeEndpoints.Add(new Uri($"http://127.0.0.1:{healthPort}/metrics"));
            waits.Add(gateway.WaitHealthyAsync(new Uri($"http://127.0.0.1:{healthPort}/health"), StartTimeout));
        }

        await Task.WhenAll(waits);
    }

    /// <summary>Each guild's user runs /join; a guild counts once the bot is in its call's DAVE group at the call's epoch.</summary>
    private async Task<List<(ulong Guild, ScriptedVoiceUser User)>> JoinAllAsync()
    {
        var joined = new List<(ulong, ScriptedVoiceUser)>();
        using var slots = new SemaphoreSlim(_options.ConnectParallelism);
        var joining = Enumerable.Range(0, _options.Conversations).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                var guild = GuildId(i);
                // 8 kHz keeps the scripted user's decoding and recording of the answer cheap beside the bot's work.
                var user = _voice!.AddScriptedUser(guild, UserId(guild), recordSampleRate: 8000, channelId: VoiceChannelId(guild));
                var reply = await CommandAsync(guild, "join");
                if (!reply.StartsWith("Joined", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine($"Guild {i}: /join answered \"{reply}\"");
                    return;
                }

                await WaitForBotInCallAsync(guild, user);
                lock (joined)
                {
                    joined.Add((guild, user));
                }
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                Console.Error.WriteLine($"Guild {i} did not join: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        await Task.WhenAll(joining);
        return joined;
    }

    private async Task<string> CommandAsync(ulong guild, string command)
    {
        var interaction = await _discord!.InvokeCommandAsync(guild, TextChannelId(guild), UserId(guild), command);
        var reply = await _discord.InteractionReplies.WaitForAsync(
            r => r.Token == interaction.Token && (r.Kind == InteractionReplyKind.EditOriginal || r.CallbackType == 4), JoinTimeout);
        return reply.Content ?? "";
    }

    /// <summary>
    /// A user who talks before the bot is in the call's end-to-end encrypted group is not heard (frames under a key the
    /// bot does not hold yet), so each user starts once the bot shares the epoch the call's group executed.
    /// </summary>
    private async Task WaitForBotInCallAsync(ulong guild, ScriptedVoiceUser user)
    {
        var voice = _voice!;
        var deadline = Stopwatch.StartNew();
        while (!(voice.GetParticipant(guild, BotUserId) is { Joined: true }
            && user.Dave is { IsReadyToSend: true } dave && dave.GroupMembers.Contains(BotUserId)
            && voice.GetDaveDeliveryService(guild) is { } group && group.Epoch == dave.Epoch))
        {
            if (deadline.Elapsed > JoinTimeout)
            {
                throw new TimeoutException($"the bot was not in the encrypted call within {JoinTimeout.TotalSeconds:0} s");
            }

            // The user's own epoch changes raise no event: a short poll bounds how late one is seen.
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopTalking.CancelAsync();
        try
        {
            await Task.WhenAll(_talking).WaitAsync(StopTimeout);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine("Some scripted users did not stop in time; closing anyway.");
        }

        // Gateways first, then the silo they are clients of.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }

        if (_discord is not null)
        {
            await _discord.DisposeAsync();
        }

        if (_gemini is not null)
        {
            await _gemini.DisposeAsync();
        }

        if (_voice is not null)
        {
            await _voice.DisposeAsync();
        }

        _stopTalking.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a process that is closing: the temporary folder is left behind.
        }
    }

    private static async Task DelayUnlessInterruptedAsync(TimeSpan delay, CancellationToken interrupted)
    {
        try
        {
            await Task.Delay(delay, interrupted);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.WriteLine("Interrupted: reporting what was measured so far.");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages (Linux), since other work shares the cores.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
