using Chorus.Discord.Gateway;
using Chorus.Discord.Models;
using Chorus.Discord.Rest;
using Chorus.Emulators.Discord;
using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Tests.Gateway;

[EndToEnd]
public sealed class ShardSetTests
{
    private static readonly TimeSpan Timeout = EmulatorRig.Timeout;

    // (10 << 22) % 2 == 0 and (11 << 22) % 2 == 1: one guild per shard.
    private const ulong GuildOnShard0 = EmulatorRig.GuildId;
    private const ulong GuildOnShard1 = 11UL << 22;

    private static Task<(DiscordEmulator Emulator, HttpClient Http, DiscordRestClient RestClient)> StartAsync(int recommendedShards) =>
        StartAsync(new DiscordEmulatorOptions { HeartbeatIntervalMs = 500, RecommendedShards = recommendedShards });

    private static async Task<(DiscordEmulator Emulator, HttpClient Http, DiscordRestClient RestClient)> StartAsync(DiscordEmulatorOptions options)
    {
        var emulator = await DiscordEmulator.StartAsync(options);
        await emulator.AddGuildAsync(EmulatorRig.NewGuild(GuildOnShard0));
        await emulator.AddGuildAsync(EmulatorRig.NewGuild(GuildOnShard1));
        var http = new HttpClient();
        return (emulator, http, new DiscordRestClient(http, new DiscordRestOptions { Token = emulator.Options.Token, ApiBaseUrl = emulator.ApiBaseUrl }));
    }

    private static ShardSetOptions Options(DiscordEmulator emulator, IReadOnlyList<int>? ids = null, int? count = null) => new()
    {
        Token = emulator.Options.Token,
        ShardIds = ids,
        ShardCount = count,
        IdentifyInterval = TimeSpan.Zero,
        ConfigureShard = o => o with { HeartbeatJitter = () => 0.5, ReconnectBaseDelay = TimeSpan.FromMilliseconds(20) },
    };

    [Fact]
    public void Guilds_route_by_the_documented_formula()
    {
        Assert.Equal(0, ShardSet.ShardIdFor(GuildOnShard0, 2));
        Assert.Equal(1, ShardSet.ShardIdFor(GuildOnShard1, 2));
        Assert.Equal((int)((1_234_567_890_123_456_789UL >> 22) % 16), ShardSet.ShardIdFor(1_234_567_890_123_456_789UL, 16));
    }

    [Theory]
    [InlineData("", "auto", null, null)]
    [InlineData("0-2,5", "8", new[] { 0, 1, 2, 5 }, 8)]
    [InlineData(" 3 , 1 ", "", new[] { 1, 3 }, null)]
    public void Shard_settings_parse(string ids, string count, int[]? expectedIds, int? expectedCount)
    {
        (var parsedIds, var parsedCount) = ShardSetOptions.Parse(ids, count);
        Assert.Equal(expectedIds, parsedIds?.ToArray());
        Assert.Equal(expectedCount, parsedCount);
        Assert.Throws<FormatException>(() => ShardSetOptions.Parse("0,4", "4"));
        Assert.Throws<FormatException>(() => ShardSetOptions.Parse(null, "0"));
    }

    [Fact]
    public async Task Auto_sharding_runs_the_recommended_shards_and_each_guild_arrives_on_its_shard()
    {
        (var emulator, var http, var rest) = await StartAsync(recommendedShards: 2);
        await using var emulatorScope = emulator;
        using var httpScope = http;
        await using var shards = new ShardSet(Options(emulator), rest);
        var guilds = new EventProbe<(int Shard, ulong Guild)>();
        shards.GuildCreated += (client, guild) => guilds.Add((client.ShardId, guild.Id));

        await shards.StartAsync().WaitAsync(Timeout);
        await guilds.WaitForCountAsync(2, _ => true, Timeout);

        Assert.Equal(2, shards.ShardCount);
        Assert.Equal([(0, 2), (1, 2)], emulator.Identifies.Snapshot().Select(i => (i.ShardId, i.ShardCount)).Order());
        Assert.Contains((0, GuildOnShard0), guilds.Items);
        Assert.Contains((1, GuildOnShard1), guilds.Items);
        Assert.Equal(1, shards.ShardFor(GuildOnShard1)?.ShardId);
        Assert.Equal(EmulatorRig.VoiceChannelId, shards.Cache.Get(GuildOnShard1)?.GetUserVoiceChannel(EmulatorRig.AliceId));

        // op 4 must go out on the owning shard: the emulator ignores it on any other.
        var credentials = await shards.Voice.JoinAsync(GuildOnShard1, EmulatorRig.VoiceChannelId, Timeout);
        Assert.Equal(GuildOnShard1, credentials.GuildId);
        Assert.Equal(shards.Shards[1].SessionId, credentials.SessionId);
    }

    [Fact]
    public async Task Each_shard_logs_and_raises_its_events_inside_its_own_scope()
    {
        (var emulator, var http, var rest) = await StartAsync(recommendedShards: 2);
        await using var emulatorScope = emulator;
        using var httpScope = http;
        var provider = new ScopeCapturingProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        await using var shards = new ShardSet(Options(emulator), rest, loggers);
        var handlerScopes = new EventProbe<(int Shard, string Scopes)>();
        var handlerLog = loggers.CreateLogger("handler");
        shards.GuildCreated += (client, guild) =>
        {
            handlerLog.LogInformation("guild {GuildId} arrived", guild.Id);
            handlerScopes.Add((client.ShardId, provider.Lines.Last(l => l.Message.Contains($"guild {guild.Id} arrived", StringComparison.Ordinal)).Scopes));
        };

        await shards.StartAsync().WaitAsync(Timeout);
        await handlerScopes.WaitForCountAsync(2, _ => true, Timeout);

        var connecting = provider.Lines.Where(l => l.Message.Contains(": connecting", StringComparison.Ordinal)).ToList();
        Assert.Contains(connecting, l => l.Message.StartsWith("Shard 0", StringComparison.Ordinal) && l.Scopes == "shard 0/2");
        Assert.Contains(connecting, l => l.Message.StartsWith("Shard 1", StringComparison.Ordinal) && l.Scopes == "shard 1/2");
        // A handler of a shard's event logs inside that shard's scope (a /join's session starts from one).
        Assert.All(handlerScopes.Items, h => Assert.Equal($"shard {h.Shard}/2", h.Scopes));
    }

    /// <summary>Captures each line with the scopes it was logged in (as the console shows them, joined by " => ").</summary>
    private sealed class ScopeCapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private readonly Lock _gate = new();
        private readonly List<(string Message, string Scopes)> _lines = [];
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public IReadOnlyList<(string Message, string Scopes)> Lines
        {
            get
            {
                lock (_gate)
                {
                    return [.. _lines];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new ScopeCapturingLogger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class ScopeCapturingLogger(ScopeCapturingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                provider._scopes.ForEachScope((scope, list) => list.Add(scope?.ToString() ?? ""), scopes);
                lock (provider._gate)
                {
                    provider._lines.Add((formatter(state, exception), string.Join(" => ", scopes)));
                }
            }
        }
    }

    [Fact]
    public async Task Shards_not_ready_is_empty_once_started_and_names_each_shard_whose_connection_ended()
    {
        (var emulator, var http, var rest) = await StartAsync(recommendedShards: 2);
        await using var emulatorScope = emulator;
        using var httpScope = http;
        await using var shards = new ShardSet(Options(emulator), rest);
        await shards.StartAsync().WaitAsync(Timeout);
        var whileConnected = shards.ShardsNotReady;

        // 4004 is fatal: the shards stop for good, so "not ready" stays and is read without a race against a reconnect.
        await emulator.CloseConnectionsAsync(4004);
        foreach (var shard in shards.Shards)
        {
            await Assert.ThrowsAsync<GatewayFatalException>(() => shard.Completion.WaitAsync(Timeout));
        }

        Assert.Empty(whileConnected);
        Assert.Equal(2, shards.OwnedShardCount);
        Assert.Equal([0, 1], shards.ShardsNotReady);
    }

    [Fact]
    public async Task Explicit_shard_ids_run_only_those_shards()
    {
        (var emulator, var http, var rest) = await StartAsync(recommendedShards: 1);
        await using var emulatorScope = emulator;
        using var httpScope = http;
        await using var shards = new ShardSet(Options(emulator, ids: [1], count: 2) with { GatewayUrl = emulator.GatewayUrl }, rest);
        var guilds = new EventProbe<DiscordGuild>();
        shards.GuildCreated += (_, guild) => guilds.Add(guild);

        await shards.StartAsync().WaitAsync(Timeout);
        await guilds.WaitForAsync(g => g.Id == GuildOnShard1, Timeout);

        var identify = Assert.Single(emulator.Identifies.Snapshot());
        Assert.Equal((1, 2), (identify.ShardId, identify.ShardCount));
        Assert.Null(shards.ShardFor(GuildOnShard0));
        Assert.Null(shards.Cache.Get(GuildOnShard0));
        Assert.Empty(emulator.RestRequests.Snapshot());
        await Assert.ThrowsAsync<InvalidOperationException>(() => shards.Voice.JoinAsync(GuildOnShard0, EmulatorRig.VoiceChannelId, Timeout));
    }

    [Theory]
    [InlineData(1, 0)] // the budget is used up
    [InlineData(2, 1)] // fewer starts left than shards to start: starting some would leave guilds without a bot
    public async Task A_session_start_budget_short_of_the_shards_waits_for_its_reset_before_identifying(int shardCount, int remaining)
    {
        (var emulator, var http, var rest) = await StartAsync(new DiscordEmulatorOptions
        {
            HeartbeatIntervalMs = 30_000,
            RecommendedShards = shardCount,
            SessionStartRemaining = remaining,
            SessionStartResetAfterMs = 300,
        });
        await using var emulatorScope = emulator;
        using var httpScope = http;
        await using var shards = new ShardSet(Options(emulator), rest);

        await shards.StartAsync().WaitAsync(Timeout);

        Assert.Single(emulator.RestRequests.Snapshot());
        Assert.False(emulator.SessionStartBudgetOverrun, "a shard identified past the session-start budget");
        var identifies = emulator.Identifies.Snapshot();
        Assert.Equal(shardCount, identifies.Count);
        Assert.All(identifies, identify => Assert.True(identify.At >= TimeSpan.FromMilliseconds(300),
            $"identified {identify.At.TotalMilliseconds} ms into a 300 ms window with {remaining} starts left for {shardCount} shards"));
    }

    [Fact]
    public async Task The_emulator_refuses_an_identify_past_the_session_start_budget_as_Discord_does()
    {
        (var emulator, var http, var rest) = await StartAsync(new DiscordEmulatorOptions
        {
            HeartbeatIntervalMs = 30_000,
            RecommendedShards = 2,
            SessionStartRemaining = 1,
        });
        await using var emulatorScope = emulator;
        using var httpScope = http;
        var before = await rest.GetGatewayBotAsync();
        Assert.Equal(1, before.SessionStartLimit!.Remaining);
        await using var shards = new ShardSet(Options(emulator, ids: [0, 1], count: 2) with { GatewayUrl = emulator.GatewayUrl }, rest);

        // With the shard count and URL given, the set never asks for the budget: the second identify overruns it.
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shards.FatalError += (_, _) => failed.TrySetResult();
        _ = shards.StartAsync();
        await failed.Task.WaitAsync(Timeout);

        Assert.True(emulator.SessionStartBudgetOverrun);
        Assert.Equal(0, (await rest.GetGatewayBotAsync()).SessionStartLimit!.Remaining);
    }
}
