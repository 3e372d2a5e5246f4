using System.Globalization;
using System.Net;
using Chorus.Discord.Gateway;
using Chorus.Emulators.Discord;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;
using Chorus.Gateway.Hosting;
using Chorus.Gateway.Sessions;
using Chorus.Gateway.Sharding;
using Chorus.Grains.Sessions;
using Chorus.Grains.Sharding;
using Chorus.Silo.Hosting;

namespace Chorus.Sandbox.Scenario.Cluster;

/// <summary>
/// The <c>--cluster</c> run: two silos (silo-only hosts in this process, one Orleans cluster by development clustering,
/// silo-1 primary, sharing one SQLite store) and two gateways each running one shard of two: gw-b in this process, and
/// gw-a, which runs the sandbox guild's shard, as a child process (<c>dotnet Chorus.Gateway.dll</c>) so that killing it
/// is a real SIGKILL. The scripted user talks to the bot on gw-a, gw-a is killed between two turns, the user waits for
/// the bot to be back in the call and talks on; each step of the failover is timed from the kill.
/// </summary>
internal sealed class ClusterRun
{
    public const string Victim = "gw-a";
    public const string Survivor = "gw-b";
    private const int ShardCount = 2;

    private static readonly string[] Lines =
    [
        "Hello there, can you hear me?",
        "Tell me something about the sea.",
        "What a lovely day it is today.",
        "Are you still there after all that?",
    ];

    private readonly TextWriter _output;
    private readonly SandboxOptions _options;
    private readonly SandboxLog _log;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly long _startedAt;
    private readonly List<ClusterTurn> _turns = [];
    private readonly List<FailoverStep> _timeline = [];
    private readonly List<IAsyncDisposable> _started = [];
    private readonly ShardLeaseOptions _leases = new();
    private string _work = "";
    private DiscordEmulator? _discord;
    private GeminiLiveEmulator? _gemini;
    private EmulatedVoiceServer? _voice;
    private WebApplication? _silo1;
    private IHost? _survivor;
    private GatewayProcess? _victim;
    private DateTimeOffset? _killedAt;
    private bool _recovered;
    private bool _handleStored;
    private bool _resumptionSeen;
    private bool _resumptionAccepted;
    private int _lostInOutage;
    private bool _leftCleanly;

    public ClusterRun(TextWriter output, SandboxOptions options)
    {
        _output = output;
        _options = options;
        _log = new SandboxLog(options.Verbose ? output : null, _time);
        _startedAt = _time.GetTimestamp();
    }

    private TimeSpan Wait => _options.StepTimeout;

    /// <summary>How long a piece of the cluster may take to start (a child process on a loaded machine is slow).</summary>
    private TimeSpan StartWait => Wait + TimeSpan.FromSeconds(60);

    private static long GuildKey => unchecked((long)SandboxScenario.GuildId);

    private static int GuildShard => (int)((SandboxScenario.GuildId >> 22) % ShardCount);

    private static ulong Bot => SandboxScenario.BotUserId;

    public async Task<ClusterReport> RunAsync(CancellationToken cancellationToken)
    {
        var cancelled = false;
        string? failure = null;
        try
        {
            await StartAsync(cancellationToken);
            await ConverseAsync(cancellationToken);
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
            if (_victim is not null && _killedAt is null)
            {
                _output.WriteLine($"last lines of {Victim}:\n{_victim.Tail(15)}");
            }
        }

        failure ??= await StopAsync();
        return new ClusterReport
        {
            Turns = [.. _turns],
            Timeline = [.. _timeline.OrderBy(s => s.At)],
            LeaseDuration = _leases.LeaseDuration,
            RenewalInterval = _leases.RenewalInterval,
            Recovered = _recovered,
            HandleStored = _handleStored,
            ResumptionSeen = _resumptionSeen,
            ResumptionAccepted = _resumptionAccepted,
            TurnsLostInOutage = _lostInOutage,
            LeftCleanly = _leftCleanly,
            Cancelled = cancelled,
            Failure = failure,
            BotProblems = _log.Problems,
            FirstBotProblem = _log.FirstProblem,
        };
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var dll = GatewayProcess.FindDll()
            ?? throw new InvalidOperationException("Chorus.Gateway.dll was not found beside the sandbox nor under src/Gateway/bin: build the solution first (dotnet build Chorus.slnx)");
        _work = Directory.CreateTempSubdirectory("chorus-sandbox-cluster-").FullName;
        _voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 }, cancellationToken: cancellationToken);
        _gemini = await GeminiLiveEmulator.StartAsync(
            new GeminiEmulatorOptions { ApiKey = SandboxScenario.GeminiKey, SpeechEndSilence = TimeSpan.FromMilliseconds(500) }, cancellationToken);
        _discord = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions
        {
            Token = SandboxScenario.DiscordToken,
            VoiceServers = new EmulatedVoiceServerProvider(_voice),
        });
        await SandboxWorld.AddSandboxGuildAsync(_discord);
        _output.WriteLine($"Emulators up: Discord {_discord.ApiBaseUrl}, voice {_voice.Endpoint}, Gemini {_gemini.BaseUri}");
        _output.WriteLine($"Shard leases: {Seconds(_leases.LeaseDuration)} lease, renewed every {Seconds(_leases.RenewalInterval)} (the product defaults)");

        // Redis-free: Orleans' development clustering, silo-1 the primary that silo-2 joins; both store grain state in
        // one SQLite file (WAL), so a grain reads the same state whichever silo activates it.
        var database = Path.Combine(_work, "cluster.db");
        var silo1Port = SandboxScenario.FreePort();
        var silo1Gateway = SandboxScenario.FreePort();
        var silo2Gateway = SandboxScenario.FreePort();
        _silo1 = await StartSiloAsync("silo-1", silo1Port, silo1Gateway, primary: null, database, cancellationToken);
        await StartSiloAsync("silo-2", SandboxScenario.FreePort(), silo2Gateway, new IPEndPoint(IPAddress.Loopback, silo1Port), database, cancellationToken);
        var management = Grains.GetGrain<IManagementGrain>(0);
        if (!await WaitForAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, StartWait, cancellationToken))
        {
            throw new InvalidOperationException($"silo-2 did not join silo-1's cluster within {Seconds(StartWait)}");
        }

        _output.WriteLine($"Silos up: silo-1 (primary, client port {silo1Gateway}) and silo-2 (client port {silo2Gateway}), one cluster of 2");

        // The victim runs the guild's shard; the survivor the other one, and takes over any shard whose owner dies.
        var identifiesBefore = _discord.Identifies.Count;
        _victim = GatewayProcess.Start(
            Victim, dll,
            [
                $"--Discord:ApiBaseUrl={_discord.ApiBaseUrl}", $"--Gemini:BaseUrl={_gemini.BaseUri}", "--Voice:UseTls=false",
                $"--Health:Port={SandboxScenario.FreePort()}", $"--Chorus:GatewayPort={silo1Gateway}",
            ],
            new Dictionary<string, string>
            {
                ["DISCORD_TOKEN"] = SandboxScenario.DiscordToken,
                ["GEMINI_API_KEY"] = SandboxScenario.GeminiKey,
                ["GATEWAY_ID"] = Victim,
                ["SHARD_IDS"] = GuildShard.ToString(CultureInfo.InvariantCulture),
                ["SHARD_COUNT"] = ShardCount.ToString(CultureInfo.InvariantCulture),
            },
            _work,
            _options.Verbose ? _output : null);
        _started.Add(_victim);
        _survivor = BuildSurvivor(silo2Gateway);
        await _survivor.StartAsync(cancellationToken).WaitAsync(StartWait, cancellationToken);
        var shards = _survivor.Services.GetRequiredService<ShardSet>();
        if (!await SandboxScenario.WaitUntilAsync(() => shards.OwnedShardCount == 1 && shards.ShardsNotReady.Count == 0, StartWait, cancellationToken))
        {
            throw new InvalidOperationException($"{Survivor} did not get its shard READY within {Seconds(StartWait)}");
        }

        _output.WriteLine($"Gateway {Survivor} up in this process (shard {1 - GuildShard} of {ShardCount}, client of silo-2)");
        var lease = Grains.GetGrain<IShardLeaseGrain>(GuildShard);
        var victimReady = await WaitForAsync(
            async () => _victim.Exited.IsCompleted
                || ((await lease.GetAsync()).Owner == Victim && _discord.Identifies.Snapshot().Skip(identifiesBefore).Any(i => i.ShardId == GuildShard)),
            StartWait, cancellationToken);
        if (_victim.Exited.IsCompleted || !victimReady)
        {
            throw new InvalidOperationException(_victim.Exited.IsCompleted
                ? $"{Victim} exited with code {_victim.Exited.Result} while starting"
                : $"{Victim} did not get shard {GuildShard} READY within {Seconds(StartWait)}");
        }

        _output.WriteLine($"Gateway {Victim} up as a child process (pid {_victim.Id}, shard {GuildShard} of {ShardCount}: the sandbox guild's, client of silo-1)");
    }

    private async Task<WebApplication> StartSiloAsync(
        string name, int siloPort, int clientPort, IPEndPoint? primary, string database, CancellationToken cancellationToken)
    {
        var outcome = ChorusSiloApp.Build(
            [
                $"--Chorus:Mode={ChorusHostOptions.SiloOnly}", "--Dashboard:Enabled=false", "--Dashboard:Port=0",
                $"--Chorus:SiloPort={siloPort}", $"--Chorus:GatewayPort={clientPort}", $"--Storage:Sqlite:DataSource={database}",
            ],
            new Dictionary<string, string?>(),
            builder =>
            {
                SandboxWorld.UseSandboxHosting(builder, _log);
                if (primary is not null)
                {
                    // Overrides the silo's own endpoint as the primary (what localhost clustering assumes alone).
                    builder.UseOrleans(silo => silo.UseDevelopmentClustering(primary));
                }
            });
        var app = outcome.App ?? throw new InvalidOperationException($"{name}: {outcome.Error}");
        _started.Add(app);
        await app.StartAsync(cancellationToken).WaitAsync(StartWait, cancellationToken);
        return app;
    }

    /// <summary>A gateway-only host as src/Gateway's Program builds it, in this process, a client of silo-2.</summary>
    private IHost BuildSurvivor(int clientPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Token"] = SandboxScenario.DiscordToken,
            ["Gemini:ApiKey"] = SandboxScenario.GeminiKey,
            ["Discord:ApiBaseUrl"] = _discord!.ApiBaseUrl,
            ["Gemini:BaseUrl"] = _gemini!.BaseUri.ToString(),
            ["Voice:UseTls"] = "false",
            ["Gateway:Id"] = Survivor,
            ["Discord:ShardCount"] = ShardCount.ToString(CultureInfo.InvariantCulture),
            ["Discord:ShardIds"] = (1 - GuildShard).ToString(CultureInfo.InvariantCulture),
            // Test-only: a survivor that keeps to its own shard never takes the dead gateway's over.
            ["Shards:TakeOverAnyShard"] = _options.ClusterSurvivorTakesOver ? "true" : "false",
        });
        builder.Logging.AddProvider(_log);
        if (!_log.Verbose)
        {
            builder.Logging.AddFilter<SandboxLog>(null, LogLevel.Warning);
        }

        builder.UseOrleansClient(client => client.UseLocalhostClustering(
            clientPort, ChorusConfiguration.DefaultClusterIdentity, ChorusConfiguration.DefaultClusterIdentity));
        builder.Services.AddChorusGateway(builder.Configuration);
        var host = builder.Build();
        _started.Add(new HostStop(host));
        return host;
    }

    private IGrainFactory Grains => _silo1!.Services.GetRequiredService<IGrainFactory>();

    private async Task ConverseAsync(CancellationToken cancellationToken)
    {
        var discord = _discord!;
        var user = _voice!.AddScriptedUser(SandboxScenario.GuildId, SandboxScenario.UserId, recordSampleRate: 24000, channelId: SandboxScenario.VoiceChannelId);
        var session = Grains.GetGrain<IVoiceSessionGrain>(GuildKey);
        await CommandAsync(discord, "/join", "join", cancellationToken);
        if (!await WaitForAsync(async () => await session.GetAsync() is { State: VoiceSessionState.Active, OwnerGatewayId: Victim }, Wait, cancellationToken))
        {
            throw new InvalidOperationException($"the conversation did not start on {Victim} within {Seconds(Wait)}");
        }

        Say("bot", $"in the call, conversation running on {Victim}");
        var beforeKill = Math.Max(1, _options.Turns / 2);
        for (var number = 1; number <= beforeKill; number++)
        {
            _turns.Add(await TurnAsync(user, number, Victim, afterKill: false, cancellationToken));
        }

        // The kill falls between turns, once the answer has been played: no turn is cut by it. The survivor resumes
        // the Gemini session with the handle the grain holds, so the kill waits (bounded) until the grain holds one.
        await WaitForAsync(async () => (await session.GetAsync()).ResumptionHandle is not null, Wait, cancellationToken);
        await KillAsync(session, cancellationToken);

        for (var number = beforeKill + 1; number <= _options.Turns; number++)
        {
            var gateway = _recovered ? Survivor : "nobody";
            if (!_recovered)
            {
                _lostInOutage++;
            }

            _turns.Add(await TurnAsync(user, number, gateway, afterKill: true, cancellationToken));
            if (number == beforeKill + 1 && _turns[^1].AnsweredAt is { } heard)
            {
                Step(heard, $"first answer audible again (turn {number}, {_turns[^1].ResponseMs:0} ms after the user stopped)");
            }
        }

        if (_recovered)
        {
            await CommandAsync(discord, "/leave", "leave", cancellationToken);
            var runner = _survivor!.Services.GetRequiredService<VoiceSessionRunner>();
            _leftCleanly = await SandboxScenario.WaitUntilAsync(() => !runner.IsRunning(GuildKey), Wait, cancellationToken);
            Say("bot", _leftCleanly ? "conversation ended; left the voice channel" : $"still in the conversation {Seconds(Wait)} after /leave");
        }
    }

    /// <summary>
    /// SIGKILLs the gateway running the conversation, then watches the survivor take its shard and the session over: the
    /// user waits (bounded) for the bot to be back in the call before saying anything else.
    /// </summary>
    private async Task KillAsync(IVoiceSessionGrain session, CancellationToken cancellationToken)
    {
        var lease = Grains.GetGrain<IShardLeaseGrain>(GuildShard);
        var gemini = _gemini!;
        var oldConnections = gemini.Recording.Connections.Count;
        var identifiesBefore = _discord!.Identifies.Count;
        var killedAt = _time.GetUtcNow();
        _killedAt = killedAt;
        // The dead process sends no close frame: the emulator only sees its socket end.
        var live = gemini.Recording.Connections.Take(oldConnections).LastOrDefault(c => c.SetupCompleted && !c.Closed.IsCompleted);
        var dropped = live?.Closed.ContinueWith(_ => _time.GetUtcNow() - killedAt, TaskScheduler.Default);
        _victim!.Kill();
        Step(TimeSpan.Zero, $"{Victim} killed (SIGKILL, pid {_victim.Id}): no handover, its shard lease not released, its sockets cut by the kernel");
        Say("", $"SIGKILL {Victim} (pid {_victim.Id}) between turns");
        await _victim.Exited.WaitAsync(Wait, cancellationToken);

        var held = await lease.GetAsync();
        if (held.ExpiresAt is { } lapses && held.Owner == Victim)
        {
            Step(lapses - killedAt, $"shard {GuildShard}: {Victim}'s lease lapses (its last renewal + {Seconds(_leases.LeaseDuration)})");
        }

        var stored = (await session.GetAsync()).ResumptionHandle;
        _handleStored = stored is not null;
        var runner = _survivor!.Services.GetRequiredService<VoiceSessionRunner>();
        var recoveryWait = _options.ClusterRecoveryTimeout ?? _leases.LeaseDuration + Wait + Wait;
        _recovered = await SandboxScenario.WaitUntilAsync(() => runner.PhaseOf(GuildKey) == SessionPhase.Live, recoveryWait, cancellationToken);

        if (dropped is not null && await Task.WhenAny(dropped, Task.Delay(Wait, cancellationToken)) == dropped)
        {
            Step(await dropped, $"Gemini: {Victim}'s Live session socket dropped (no close frame: the process was gone)");
        }

        var ownership = _survivor.Services.GetRequiredService<ShardOwnership>();
        if (_recovered)
        {
            // The runner's session is live a moment before the rejoin is recorded as done.
            await SandboxScenario.WaitUntilAsync(
                () => ownership.Timeline.Any(e => e.ShardId == GuildShard && e.Change is ShardChange.SessionResumed or ShardChange.SessionResumeFailed && e.At >= killedAt),
                Wait, cancellationToken);
        }

        foreach (var change in ownership.Timeline.Where(e => e.ShardId == GuildShard && e.At >= killedAt))
        {
            Step(change.At - killedAt, change.Change switch
            {
                ShardChange.TookOver => $"shard {GuildShard}: lease found lapsed, taken over by {Survivor}",
                ShardChange.Ready => $"shard {GuildShard}: identified by {Survivor}, READY",
                ShardChange.SessionResumed => $"voice: {Survivor} rejoined the call (same channel), the conversation runs there",
                ShardChange.SessionResumeFailed => $"voice: {Survivor} could not rejoin the call; the session ended",
                _ => $"shard {GuildShard}: {change.Change}",
            });
        }

        if (_discord.Identifies.Snapshot().Skip(identifiesBefore).Any(i => i.ShardId == GuildShard)
            && _discord.VoiceEndedByReidentify.Snapshot().Contains(SandboxScenario.GuildId))
        {
            Say("", $"Discord: the new identify of shard {GuildShard} ended the dead gateway's voice session in the guild");
        }

        if (!_recovered)
        {
            Step(_time.GetUtcNow() - killedAt, $"the conversation is not back on {Survivor} after {Seconds(recoveryWait)}: given up waiting");
            Say("bot", $"not back in the call {Seconds(recoveryWait)} after the kill");
            return;
        }

        Say("bot", $"back in the call, conversation running on {Survivor}");
        if (stored is null)
        {
            return;
        }

        // The rejoin opens the new Live session; its setup (and the emulator's verdict on the handle) may trail the runner.
        await SandboxScenario.WaitUntilAsync(
            () => gemini.Recording.Connections.Skip(oldConnections).Any(c => c.ResumeHandle == stored && c.SetupCompleted), Wait, cancellationToken);
        var resumed = gemini.Recording.Connections.Skip(oldConnections).FirstOrDefault(c => c.ResumeHandle == stored);
        _resumptionSeen = resumed is not null;
        _resumptionAccepted = resumed is { Resumed: true };
        if (resumed is not null)
        {
            Step(resumed.OpenedAt - killedAt, resumed.Resumed
                ? "Gemini: session resumed with the stored handle; the emulator accepted it (the same conversation, context kept)"
                : "Gemini: resumption with the stored handle refused by the emulator; a fresh conversation started");
        }
        else
        {
            Step(_time.GetUtcNow() - killedAt, "Gemini: no session was opened with the stored handle");
        }
    }

    private async Task<ClusterTurn> TurnAsync(ScriptedVoiceUser user, int number, string gateway, bool afterKill, CancellationToken cancellationToken)
    {
        var line = Lines[(number - 1) % Lines.Length];
        var (pcm, _) = SandboxSpeech.Utterance(line, _work);
        Say("user", $"says \"{line}\" ({pcm.Length / (double)SandboxSpeech.SampleRate:0.0} s of speech)");
        await user.SpeakAsync(pcm, SandboxSpeech.SampleRate, cancellationToken: cancellationToken);
        var stoppedAt = _time.GetTimestamp();
        var heardAtStop = user.Heard(Bot).Length;
        double? responseMs = null;
        TimeSpan? answeredAt = null;
        try
        {
            await user.WaitForHeardAsync(Bot, heardAtStop + 480, Wait).WaitAsync(cancellationToken);
            responseMs = _time.GetElapsedTime(stoppedAt).TotalMilliseconds;
            answeredAt = _killedAt is { } killed ? _time.GetUtcNow() - killed : null;
            Say("bot", $"answers from {gateway}, {responseMs:0} ms after the user stopped");
            var seconds = await WaitForQuietAsync(user, heardAtStop, cancellationToken);
            Say("bot", $"finished its answer ({seconds:0.0} s)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Say("bot", $"no answer within {Seconds(Wait)} of the user stopping");
        }

        return new ClusterTurn(number, line, gateway, afterKill, responseMs, answeredAt);
    }

    /// <summary>
    /// Waits (bounded) until the model's reply is complete and the bot has been silent for a moment; returns how much of
    /// the answer was heard.
    /// </summary>
    private async Task<double> WaitForQuietAsync(ScriptedVoiceUser user, int heardBefore, CancellationToken cancellationToken)
    {
        var quiet = TimeSpan.FromMilliseconds(800);
        var started = _time.GetTimestamp();
        var heard = user.Heard(Bot).Length;
        var changedAt = _time.GetTimestamp();
        // On a loaded machine the audio can pause for longer than the quiet period mid-answer: the answer is over
        // only once the model has sent all of it too.
        while ((_time.GetElapsedTime(changedAt) < quiet || _gemini!.Recording.Turns.LastOrDefault() is { CompletedAt: null })
            && _time.GetElapsedTime(started) < Wait)
        {
            await Task.Delay(50, cancellationToken);
            var now = user.Heard(Bot).Length;
            if (now != heard)
            {
                heard = now;
                changedAt = _time.GetTimestamp();
            }
        }

        return (heard - heardBefore) / 24000.0;
    }

    private async Task CommandAsync(DiscordEmulator discord, string command, string name, CancellationToken cancellationToken)
    {
        Say("user", command);
        var reply = await SandboxScenario.RunCommandAsync(discord, name, Wait, cancellationToken: cancellationToken);
        Say("bot", "-> " + reply.Replace("**", "", StringComparison.Ordinal).Split('\n')[0]);
    }

    /// <summary>Stops everything started, survivor first, bounded. Returns why it could not, or null.</summary>
    private async Task<string?> StopAsync()
    {
        string? problem = null;
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            try
            {
                if (_started[i] is WebApplication app)
                {
                    await app.StopAsync(CancellationToken.None).WaitAsync(StartWait);
                }

                await _started[i].DisposeAsync().AsTask().WaitAsync(StartWait);
            }
            catch (Exception e)
            {
                problem ??= "stopping the cluster: " + OneLine(e.Message);
            }
        }

        foreach (var emulator in new IAsyncDisposable?[] { _discord, _gemini, _voice })
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_work.Length > 0)
        {
            Directory.Delete(_work, recursive: true);
        }

        return problem;
    }

    private void Step(TimeSpan at, string what) => _timeline.Add(new FailoverStep(at, what));

    private void Say(string who, string what)
    {
        var at = _time.GetElapsedTime(_startedAt).TotalSeconds;
        _output.WriteLine($"{at,6:0.0} s  {who,-5}  {what}");
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan wait, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        while (!await Holds(condition))
        {
            if (time.GetElapsedTime(started) > wait)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return true;
    }

    /// <summary>A grain call that fails (a silo still joining, a client reconnecting) is a condition not met yet.</summary>
    private static async Task<bool> Holds(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.#} s";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>A generic host stopped (gracefully: the survivor is not the one killed) before it is disposed.</summary>
    private sealed class HostStop(IHost host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }
}
