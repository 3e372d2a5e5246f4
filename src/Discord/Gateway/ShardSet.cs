using Chorus.Discord.Models;
using Chorus.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Discord.Gateway;

/// <summary>
/// The shards one process runs: resolves count and URL (GET /gateway/bot when "auto"), shares one identify gate
/// (max_concurrency buckets) and one guild cache, routes guilds to shards and owns voice signalling.
/// </summary>
public sealed class ShardSet : IAsyncDisposable
{
    /// <summary>Waited beyond a session-start budget's reset before identifying.</summary>
    public static readonly TimeSpan SessionStartResetMargin = TimeSpan.FromMilliseconds(250);

    private readonly ShardSetOptions _options;
    private readonly DiscordRestClient _rest;
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<int, GatewayClient> _shards = [];
    private readonly ILogger _logger;

    /// <summary>A set of shards; none is connected until started.</summary>
    /// <param name="options">Token, shard ids and timing.</param>
    /// <param name="rest">REST client for GET /gateway/bot (shard count, identify concurrency).</param>
    /// <param name="loggers">Optional logger factory.</param>
    public ShardSet(ShardSetOptions options, DiscordRestClient rest, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rest);
        _options = options;
        _rest = rest;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<ShardSet>();
        Voice = new VoiceSignalling(ShardFor, _loggers.CreateLogger<VoiceSignalling>());
    }

    internal event Action<GatewayClient, ReadyEvent>? Ready;

    internal event Action<GatewayClient, DiscordGuild>? GuildCreated;

    internal event Action<GatewayClient, UnavailableGuild>? GuildDeleted;

    /// <summary>A VOICE_STATE_UPDATE dispatch arrived on a shard.</summary>
    public event Action<GatewayClient, DiscordVoiceState>? VoiceStateUpdated;

    /// <summary>An INTERACTION_CREATE dispatch arrived on a shard.</summary>
    public event Action<GatewayClient, Interaction>? InteractionCreated;

    internal event Action<GatewayClient, GatewayFatalException>? FatalError;

    /// <summary>The guild state of every shard.</summary>
    public GuildStateCache Cache { get; } = new();

    /// <summary>Voice joins and leaves, routed to the shard of each guild.</summary>
    public VoiceSignalling Voice { get; }

    /// <summary>The total number of shards (known once started).</summary>
    public int ShardCount { get; private set; }

    /// <summary>
    /// The ids of this process's shards that are not connected with a READY or RESUMED session at this moment (empty once
    /// all are); for readiness checks. Read it only after <see cref="StartAsync"/> completed.
    /// </summary>
    public IReadOnlyList<int> ShardsNotReady => [.. Shards.Where(s => !s.IsReady).Select(s => s.ShardId)];

    /// <summary>How many shards this process runs (0 until started).</summary>
    public int OwnedShardCount => _shards.Count;

    internal IReadOnlyList<GatewayClient> Shards => [.. _shards.Values.OrderBy(s => s.ShardId)];

    /// <summary>The bot's user id, once any shard received READY.</summary>
    public ulong? UserId => _shards.Values.Select(s => s.UserId).FirstOrDefault(id => id is not null);

    /// <summary>The application id, once any shard received READY.</summary>
    public ulong? ApplicationId => _shards.Values.Select(s => s.ApplicationId).FirstOrDefault(id => id is not null);

    internal static int ShardIdFor(ulong guildId, int shardCount) => (int)((guildId >> 22) % (ulong)shardCount);

    /// <summary>The shard that owns the guild, or null when another process runs it.</summary>
    public GatewayClient? ShardFor(ulong guildId) =>
        ShardCount == 0 ? null : _shards.GetValueOrDefault(ShardIdFor(guildId, ShardCount));

    /// <summary>Resolves the shard layout, then starts every shard and waits for each first READY.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_shards.Count > 0)
        {
            throw new InvalidOperationException("The shard set is already started.");
        }

        GatewayBotInfo? info = null;
        if (_options.ShardCount is null || _options.GatewayUrl is null)
        {
            info = await _rest.GetGatewayBotAsync(cancellationToken).ConfigureAwait(false);
        }

        ShardCount = _options.ShardCount ?? Math.Max(1, info!.Shards);
        var url = _options.GatewayUrl ?? info!.Url;
        var maxConcurrency = Math.Max(1, info?.SessionStartLimit?.MaxConcurrency ?? 1);
        var ids = _options.ShardIds ?? [.. Enumerable.Range(0, ShardCount)];
        if (info?.SessionStartLimit is { ResetAfter: > 0 } limit && limit.Remaining < ids.Count)
        {
            // Identifying past the daily budget gets the token reset, and starting only some shards leaves guilds
            // without a bot: waiting for the window is the only safe move (@discordjs/ws refuses in the same case).
            // The margin covers timer granularity (a delay can end a fraction of a millisecond early) and transit time.
            var wait = TimeSpan.FromMilliseconds(Math.Min(limit.ResetAfter, (long)TimeSpan.FromDays(1).TotalMilliseconds)) + SessionStartResetMargin;
            ShardSetLog.SessionStartLimitReached(_logger, limit.Remaining, ids.Count, (long)wait.TotalSeconds);
            await Task.Delay(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        var gate = new IdentifyGate(maxConcurrency, interval: _options.IdentifyInterval);
        foreach (var id in ids)
        {
            if (id < 0 || id >= ShardCount)
            {
                throw new ArgumentOutOfRangeException(nameof(cancellationToken), $"Shard {id} is outside 0..{ShardCount - 1}.");
            }

            var shardOptions = new GatewayClientOptions
            {
                Token = _options.Token,
                GatewayUrl = url,
                Intents = _options.Intents,
                ShardId = id,
                ShardCount = ShardCount,
                Metrics = _options.Metrics,
            };
            shardOptions = _options.ConfigureShard?.Invoke(shardOptions) ?? shardOptions;
            var client = new GatewayClient(shardOptions, _loggers.CreateLogger<GatewayClient>(), gate, Cache);
            client.Ready += ready => Ready?.Invoke(client, ready);
            client.GuildCreated += guild => GuildCreated?.Invoke(client, guild);
            client.GuildDeleted += guild => GuildDeleted?.Invoke(client, guild);
            client.VoiceStateUpdated += state => VoiceStateUpdated?.Invoke(client, state);
            client.InteractionCreated += interaction => InteractionCreated?.Invoke(client, interaction);
            client.FatalError += error => FatalError?.Invoke(client, error);
            Voice.Attach(client);
            _shards[id] = client;
        }

        // Shards start together; the shared gate spaces identifies per max_concurrency bucket.
        await Task.WhenAll(_shards.Values.Select(s => s.StartAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Stops every shard.</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(_shards.Values.Select(s => s.StopAsync())).ConfigureAwait(false);
    }

    /// <summary>Stops every shard and releases them.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards.Values)
        {
            await shard.DisposeAsync().ConfigureAwait(false);
        }
    }
}
