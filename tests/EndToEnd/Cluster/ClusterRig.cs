using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Discord.Interactions;
using Chorus.Emulators.Discord;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;

namespace Chorus.EndToEnd.Cluster;

/// <summary>
/// The compose file's shape as plain processes on loopback: Debian's redis-server, two silos (<c>dotnet Chorus.Silo.dll</c>,
/// Chorus:Mode=Silo) and two gateways (<c>dotnet Chorus.Gateway.dll</c>, one shard of two each), all on Redis
/// clustering, storage and reminders; the Discord (gateway, REST, voice with DAVE) and Gemini Live emulators in this
/// process; six guilds, three per shard, each with a scripted user talking to the bot in an end-to-end encrypted call.
/// </summary>
internal sealed class ClusterRig : IAsyncDisposable
{
    public const int GuildCount = 6;
    public const int ShardCount = 2;
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(45);

    // Shaped like a bot token (three base64url parts): the gateway checks the shape before it dials Discord.
    private const string DiscordToken = "Y2x1c3Rlcg.cluster.discord-token-value";
    private const string GeminiKey = "cluster-gemini-key";
    private const int SampleRate = 16_000;

    private readonly string _work;
    private readonly TextWriter _log;
    private readonly CancellationTokenSource _stopTalking = new();
    private readonly List<Task> _talking = [];
    private readonly List<ClusterProcess> _retired = [];

    private ClusterRig(string work, TextWriter log, ClusterRedis redis, EmulatedVoiceServer voice, GeminiLiveEmulator gemini, DiscordEmulator discord)
    {
        _work = work;
        _log = log;
        Redis = redis;
        Voice = voice;
        Gemini = gemini;
        Discord = discord;
    }

    public TimeProvider Time { get; } = TimeProvider.System;

    public ClusterRedis Redis { get; }

    public EmulatedVoiceServer Voice { get; }

    public GeminiLiveEmulator Gemini { get; }

    public DiscordEmulator Discord { get; }

    public IReadOnlyList<ClusterGuild> Guilds { get; } = [.. Enumerable.Range(0, GuildCount).Select(ClusterGuild.Create)];

    public List<ClusterProcess> Silos { get; } = [];

    public List<(ClusterProcess Process, int HealthPort)> Gateways { get; } = [];

    public List<ClusterConversation> Conversations { get; } = [];

    public static ulong BotUserId => new DiscordEmulatorOptions().BotUserId;

    /// <summary>Everything up: Redis, the emulators with the guilds, two silos, then two gateways, each gateway READY on its shard.</summary>
    public static async Task<ClusterRig> StartAsync(TextWriter log)
    {
        var work = Directory.CreateTempSubdirectory("chorus-cluster-").FullName;
        ClusterRedis? redis = null;
        EmulatedVoiceServer? voice = null;
        GeminiLiveEmulator? gemini = null;
        try
        {
            redis = await ClusterRedis.StartAsync(work);
            voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
            gemini = await GeminiLiveEmulator.StartAsync(new GeminiEmulatorOptions { ApiKey = GeminiKey });
            var discord = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions
            {
                Token = DiscordToken,
                VoiceServers = new EmulatedVoiceServerProvider(voice),
                RecommendedShards = ShardCount,
            });
            var rig = new ClusterRig(work, log, redis, voice, gemini, discord);
            try
            {
                await rig.StartAllAsync();
                return rig;
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
        }
        catch
        {
            if (voice is not null && gemini is null)
            {
                await voice.DisposeAsync();
            }

            if (redis is not null && voice is null)
            {
                await redis.DisposeAsync();
            }

            throw;
        }
    }

    private async Task StartAllAsync()
    {
        const ulong everyone = (ulong)(Permissions.ViewChannel | Permissions.SendMessages | Permissions.Connect | Permissions.Speak);
        foreach (var guild in Guilds)
        {
            await Discord.AddGuildAsync(new EmulatedGuild(guild.Id, $"Guild {guild.Index}", guild.UserId)
                .WithRole(new EmulatedRole(guild.Id, "@everyone", everyone))
                .WithChannel(new EmulatedChannel(guild.TextChannelId, "general", EmulatedChannel.Text))
                .WithChannel(new EmulatedChannel(guild.VoiceChannelId, "Lounge", EmulatedChannel.Voice))
                .WithMember(new EmulatedMember(guild.UserId, $"user-{guild.Index}", []))
                .WithVoiceState(guild.UserId, guild.VoiceChannelId));
        }

        var started = Time.GetTimestamp();
        Silos.Add(StartSilo("silo-a"));
        Silos.Add(StartSilo("silo-b"));
        await Task.WhenAll(Silos.Select(s => s.WaitForLineAsync(IsStarted, StartTimeout, "the host to start")));
        Say($"silos up after {Time.GetElapsedTime(started).TotalSeconds:0.0} s");
        for (var shard = 0; shard < ShardCount; shard++)
        {
            Gateways.Add(StartGateway($"gateway-{(char)('a' + shard)}", shard));
        }

        await Task.WhenAll(Gateways.Select(g => WaitHealthyAsync(g.Process, g.HealthPort)));
        Say($"gateways healthy (cluster connected, shard READY) after {Time.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    /// <summary>Each guild's user runs /join and starts talking; returns once every guild has heard <paramref name="answers"/> answers.</summary>
    public async Task StartConversationsAsync(int answers)
    {
        var utterance = ScriptedVoiceUser.EncodeOpus(AudioSignals.Chirp(SampleRate, 1.0), SampleRate);
        foreach (var guild in Guilds)
        {
            var user = Voice.AddScriptedUser(guild.Id, guild.UserId, recordSampleRate: 8000, channelId: guild.VoiceChannelId);
            Conversations.Add(new ClusterConversation(guild, user, BotUserId, Time));
        }

        var joins = await Task.WhenAll(Guilds.Select(g => CommandAsync(g, "join", null)));
        for (var i = 0; i < joins.Length; i++)
        {
            Assert.True(joins[i].StartsWith("Joined", StringComparison.Ordinal), $"guild {i}: /join answered \"{joins[i]}\"");
        }

        // A user who talks before the bot is in the call's end-to-end encrypted group is not heard (frames under a key
        // the bot does not hold yet): each user starts once the bot shares its executed epoch.
        await Task.WhenAll(Conversations.Select(c => WaitForBotInCallAsync(c, _ => true)));
        foreach (var conversation in Conversations)
        {
            _talking.Add(conversation.TalkAsync(utterance, TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(20), _stopTalking.Token));
        }

        await WaitForAnswersAsync(Conversations.Select(c => answers).ToList(), TimeSpan.FromSeconds(60));
        Say($"all {GuildCount} conversations answered {answers} turns each");
    }

    /// <summary>
    /// Until the bot is a joined participant of the conversation's call whose SSRC <paramref name="isCurrent"/> accepts,
    /// in the user's DAVE group, at the epoch the call's group executed (bounded by <see cref="ReplyTimeout"/>).
    /// </summary>
    public async Task WaitForBotInCallAsync(ClusterConversation conversation, Func<uint, bool> isCurrent)
    {
        var guildId = conversation.Guild.Id;
        var changed = new ChangeSignal();
        void OnChanged() => changed.Notify();
        Voice.Changed += OnChanged;
        // The user's own epoch changes are not server messages: a 100 ms poll bounds how late such a change is seen.
        using var poll = new Timer(_ => changed.Notify(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        try
        {
            await Wait.UntilAsync(
                () => Voice.GetParticipant(guildId, BotUserId) is { Ssrc: var ssrc, Joined: true } && isCurrent(ssrc)
                    && conversation.User.Dave is { IsReadyToSend: true } dave && dave.GroupMembers.Contains(BotUserId)
                    && Voice.GetDaveDeliveryService(guildId) is { } group && group.Epoch == dave.Epoch,
                changed, ReplyTimeout, () => $"the bot in guild {conversation.Guild.Index}'s encrypted call with its user");
        }
        finally
        {
            Voice.Changed -= OnChanged;
        }
    }

    /// <summary>Until conversation i has at least <paramref name="answered"/>[i] answered turns.</summary>
    public Task WaitForAnswersAsync(IReadOnlyList<int> answered, TimeSpan timeout) =>
        Task.WhenAll(Conversations.Select((c, i) => Wait.UntilAsync(() => c.Answered >= answered[i], c.Changed, timeout,
            () => $"guild {i} to answer {answered[i]} turns (answered {c.Answered} of {c.Turns.Count})")));

    public async Task StopTalkingAsync()
    {
        await _stopTalking.CancelAsync();
        await Task.WhenAll(_talking).WaitAsync(StopTimeout);
    }

    /// <summary>A slash command in a guild's text channel by its user, and the bot's reply.</summary>
    public async Task<string> CommandAsync(ClusterGuild guild, string command, JsonArray? options)
    {
        var interaction = await Discord.InvokeCommandAsync(guild.Id, guild.TextChannelId, guild.UserId, command, options);
        var reply = await Discord.InteractionReplies.WaitForAsync(
            r => r.Token == interaction.Token && (r.Kind == InteractionReplyKind.EditOriginal || r.CallbackType == 4), ReplyTimeout);
        return reply.Content ?? "";
    }

    public static JsonArray SessionLimit(int minutes) =>
    [
        new JsonObject
        {
            ["name"] = "session-limit", ["type"] = 1,
            ["options"] = new JsonArray(new JsonObject { ["name"] = "minutes", ["type"] = 4, ["value"] = minutes }),
        },
    ];

    public static JsonArray SettingsShow => [new JsonObject { ["name"] = "show", ["type"] = 1 }];

    /// <summary>Seconds since <paramref name="timestamp"/> of <see cref="Time"/>.</summary>
    public double SecondsSince(long timestamp) => Time.GetElapsedTime(timestamp).TotalSeconds;

    public void Say(string line) => _log.WriteLine($"[cluster] {line}");

    /// <summary>Takes <paramref name="process"/> out of the rig's lists (it was killed or stopped); disposed with the rig.</summary>
    public void Retire(ClusterProcess process) => _retired.Add(process);

    public string Outputs() =>
        string.Join("\n", Silos.Concat(Gateways.Select(g => g.Process)).Concat(_retired)
            .Select(p => $"--- {p.Name} ---\n{ClusterProcess.Tail(p.Output, 25)}"));

    public async ValueTask DisposeAsync()
    {
        if (!_stopTalking.IsCancellationRequested)
        {
            await _stopTalking.CancelAsync();
        }

        var processes = Gateways.Select(g => g.Process).Concat(Silos).Concat(_retired).ToList();
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        // Every process's whole output, for a look at a run after the fact.
        if (Environment.GetEnvironmentVariable("CHORUS_CLUSTER_LOGS") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            foreach (var process in processes.Append(Redis.Process))
            {
                await File.WriteAllTextAsync(Path.Combine(logs, $"{process.Name}-{process.Id}.log"), process.Output);
            }
        }

        await Discord.DisposeAsync();
        await Gemini.DisposeAsync();
        await Voice.DisposeAsync();
        await Redis.DisposeAsync();
        _stopTalking.Dispose();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A process still closing a file: the temporary folder is left behind.
        }
    }

    public ClusterProcess StartSilo(string name) =>
        ClusterProcess.Start(name, "dotnet", [Path.Combine(AppContext.BaseDirectory, "Chorus.Silo.dll")], new Dictionary<string, string>(OrleansEnvironment())
        {
            ["Chorus__Mode"] = "Silo",
            ["Orleans__GrainStorage__Default__ProviderType"] = "Redis",
            ["Orleans__GrainStorage__Default__ConnectionString"] = Redis.ConnectionString,
            ["Orleans__Reminders__ProviderType"] = "Redis",
            ["Orleans__Reminders__ConnectionString"] = Redis.ConnectionString,
            ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans__Endpoints__SiloPort"] = Port(),
            ["Orleans__Endpoints__GatewayPort"] = Port(),
            ["Dashboard__Port"] = Port(),
        }, _work);

    public (ClusterProcess Process, int HealthPort) StartGateway(string name, int shard)
    {
        var healthPort = LoopbackPorts.Free();
        var process = ClusterProcess.Start(name, "dotnet",
            [
                Path.Combine(GatewayDirectory, "Chorus.Gateway.dll"), $"--Discord:ApiBaseUrl={Discord.ApiBaseUrl}",
                $"--Gemini:BaseUrl={Gemini.BaseUri}", "--Voice:UseTls=false", $"--Health:Port={healthPort}",
                // The bot's own send cadence is read from /metrics beside /health (SendIntervalScrape).
                "--Metrics:Prometheus:Enabled=true",
                // The tests poll /settings while grains come back: the per-user command limit is not what they test.
                "--Commands:RateLimitBurst=0",
            ],
            new Dictionary<string, string>(OrleansEnvironment())
            {
                ["DISCORD_TOKEN"] = DiscordToken,
                ["GEMINI_API_KEY"] = GeminiKey,
                ["GATEWAY_ID"] = name,
                ["SHARD_IDS"] = shard.ToString(CultureInfo.InvariantCulture),
                ["SHARD_COUNT"] = ShardCount.ToString(CultureInfo.InvariantCulture),
            }, _work);
        return (process, healthPort);
    }

    /// <summary>Polls the gateway's /health (bounded) until it answers 200: connected to the cluster, its shard READY.</summary>
    public async Task WaitHealthyAsync(ClusterProcess gateway, int healthPort)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = TimeSpan.FromSeconds(10) };
        using var deadline = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            if (gateway.HasExited)
            {
                throw new InvalidOperationException($"{gateway.Name} exited with code {await gateway.Exited}:\n{ClusterProcess.Tail(gateway.Output)}");
            }

            try
            {
                using var response = await http.GetAsync("/health", deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"{gateway.Name} was not healthy within {StartTimeout.TotalSeconds:0} s:\n{ClusterProcess.Tail(gateway.Output)}");
            }

            try
            {
                await Task.Delay(250, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{gateway.Name} was not healthy within {StartTimeout.TotalSeconds:0} s:\n{ClusterProcess.Tail(gateway.Output)}");
            }
        }
    }

    private static bool IsStarted(string line) => line.Contains("Application started", StringComparison.Ordinal);

    private Dictionary<string, string> OrleansEnvironment() => new()
    {
        ["Orleans__ServiceId"] = "chorus-cluster-test",
        ["Orleans__ClusterId"] = "chorus-cluster-test",
        ["Orleans__Clustering__ProviderType"] = "Redis",
        ["Orleans__Clustering__ConnectionString"] = Redis.ConnectionString,
    };

    private static string Port() => LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The gateway's own build output (tests/EndToEnd/bin/&lt;Configuration&gt;/&lt;tfm&gt;/ -> src/Gateway/bin/...): beside
    /// this test's binaries it would miss what the ASP.NET Core shared framework gives the silo but not a plain app.
    /// </summary>
    private static string GatewayDirectory
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "src", "Gateway", "bin", configuration, output.Name);
        }
    }
}
