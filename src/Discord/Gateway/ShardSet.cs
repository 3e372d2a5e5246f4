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
    private readonly Lock _shardsLock = new();
    private readonly ILogger _logger;
    private string? _url;
    private SessionStartLimit? _sessionStartLimit;
    private IIdentifyGate? _gate;
    private bool _started;
    private ulong? _userId;
    private ulong? _applicationId;

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
    /// all are); for readiness checks. Read it only after <see cref="StartAsync(CancellationToken)"/> completed.
    /// </summary>
    public IReadOnlyList<int> ShardsNotReady => [.. Shards.Where(s => !s.IsReady).Select(s => s.ShardId)];

    /// <summary>How many shards this process runs (0 until started).</summary>
    public int OwnedShardCount
    {
        get
        {
            lock (_shardsLock)
            {
                return _shards.Count;
            }
        }
    }

    internal IReadOnlyList<GatewayClient> Shards
    {
        get
        {
            lock (_shardsLock)
            {
                return [.. _shards.Values.OrderBy(s => s.ShardId)];
            }
        }
    }

    /// <summary>The bot's user id, once any shard received READY.</summary>
    public ulong? UserId => _userId ??= Shards.Select(s => s.UserId).FirstOrDefault(id => id is not null);

    /// <summary>The application id, once any shard received READY.</summary>
    public ulong? ApplicationId => _applicationId ??= Shards.Select(s => s.ApplicationId).FirstOrDefault(id => id is not null);

    internal static int ShardIdFor(ulong guildId, int shardCount) => (int)((guildId >> 22) % (ulong)shardCount);

    /// <summary>The shard that owns the guild, or null when another process runs it.</summary>
    public GatewayClient? ShardFor(ulong guildId)
    {
        if (ShardCount == 0)
        {
            return null;
        }

        lock (_shardsLock)
        {
            return _shards.GetValueOrDefault(ShardIdFor(guildId, ShardCount));
        }
    }

    /// <summary>The shard id of a guild (known once resolved).</summary>
    public int ShardIdOf(ulong guildId) => ShardIdFor(guildId, ShardCount);

    /// <summary>The shards this process runs when nobody else runs them: SHARD_IDS, or every shard (known once resolved).</summary>
    public IReadOnlyList<int> PreferredShardIds => _options.ShardIds ?? [.. Enumerable.Range(0, ShardCount)];

    /// <summary>The ids of the shards this process runs at this moment.</summary>
    public IReadOnlyList<int> RunningShardIds
    {
        get
        {
            lock (_shardsLock)
            {
                return [.. _shards.Keys.Order()];
            }
        }
    }

    /// <summary>Resolves the shard layout, then starts every shard and waits for each first READY.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await ResolveAsync(cancellationToken).ConfigureAwait(false);
        await StartAsync(PreferredShardIds, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves the shard layout (count, URL, identify concurrency; GET /gateway/bot when any is "auto") without
    /// connecting anything. Idempotent.
    /// </summary>
    public async Task ResolveAsync(CancellationToken cancellationToken = default)
    {
        if (_url is not null)
        {
            return;
        }

        GatewayBotInfo? info = null;
        if (_options.ShardCount is null || _options.GatewayUrl is null)
        {
            info = await _rest.GetGatewayBotAsync(cancellationToken).ConfigureAwait(false);
        }

        ShardCount = _options.ShardCount ?? Math.Max(1, info!.Shards);
        _sessionStartLimit = info?.SessionStartLimit;
        var maxConcurrency = Math.Max(1, _sessionStartLimit?.MaxConcurrency ?? 1);
        _gate = _options.IdentifyGateFactory?.Invoke(new IdentifyLimits(
                maxConcurrency, _sessionStartLimit?.Remaining,
                _sessionStartLimit is { ResetAfter: > 0 } limit ? TimeSpan.FromMilliseconds(limit.ResetAfter) : null))
            ?? new IdentifyGate(maxConcurrency, interval: _options.IdentifyInterval);
        _url = _options.GatewayUrl ?? info!.Url;
    }

    /// <summary>Starts the given shards (after <see cref="ResolveAsync"/>) and waits for each first READY.</summary>
    public async Task StartAsync(IReadOnlyList<int> shardIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shardIds);
        await ResolveAsync(cancellationToken).ConfigureAwait(false);
        lock (_shardsLock)
        {
            if (_started)
            {
                throw new InvalidOperationException("The shard set is already started.");
            }

            _started = true;
        }

        if (_sessionStartLimit is { ResetAfter: > 0 } limit && limit.Remaining < shardIds.Count)
        {
            // Identifying past the daily budget gets the token reset, and starting only some shards leaves guilds
            // without a bot: waiting for the window is the only safe move (@discordjs/ws refuses in the same case).
            // The margin covers timer granularity (a delay can end a fraction of a millisecond early) and transit time.
            var wait = TimeSpan.FromMilliseconds(Math.Min(limit.ResetAfter, (long)TimeSpan.FromDays(1).TotalMilliseconds)) + SessionStartResetMargin;
            ShardSetLog.SessionStartLimitReached(_logger, limit.Remaining, shardIds.Count, (long)wait.TotalSeconds);
            await Task.Delay(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        // Shards start together; the shared gate spaces identifies per max_concurrency bucket.
        await Task.WhenAll(shardIds.Select(id => AddShardAsync(id, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts one more shard (taken over from a process that died, or handed over by one that stops) and waits for its
    /// first READY. A shard already running here is left as it is.
    /// </summary>
    public async Task AddShardAsync(int shardId, CancellationToken cancellationToken = default)
    {
        await ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (shardId < 0 || shardId >= ShardCount)
        {
            throw new ArgumentOutOfRangeException(nameof(shardId), $"Shard {shardId} is outside 0..{ShardCount - 1}.");
        }

        var shardOptions = new GatewayClientOptions
        {
            Token = _options.Token,
            GatewayUrl = _url!,
            Intents = _options.Intents,
            ShardId = shardId,
            ShardCount = ShardCount,
            Metrics = _options.Metrics,
        };
        shardOptions = _options.ConfigureShard?.Invoke(shardOptions) ?? shardOptions;
        var client = new GatewayClient(shardOptions, _loggers.CreateLogger<GatewayClient>(), _gate, Cache);
        lock (_shardsLock)
        {
            if (!_shards.TryAdd(shardId, client))
            {
                return;
            }
        }

        client.Ready += ready => Ready?.Invoke(client, ready);
        client.GuildCreated += guild => GuildCreated?.Invoke(client, guild);
        client.GuildDeleted += guild => GuildDeleted?.Invoke(client, guild);
        client.VoiceStateUpdated += state => VoiceStateUpdated?.Invoke(client, state);
        client.InteractionCreated += interaction => InteractionCreated?.Invoke(client, interaction);
        client.FatalError += error => FatalError?.Invoke(client, error);
        Voice.Attach(client);
        try
        {
            await client.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RemoveShardAsync(shardId, endSession: true).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops one shard and forgets it (another process runs it now). With <paramref name="endSession"/> false the Discord
    /// session stays resumable, so the shard's voice connections play on until the next owner identifies the shard.
    /// </summary>
    public async Task RemoveShardAsync(int shardId, bool endSession)
    {
        GatewayClient? client;
        lock (_shardsLock)
        {
            if (!_shards.Remove(shardId, out client))
            {
                return;
            }
        }

        await client.StopAsync(endSession).ConfigureAwait(false);
        await client.DisposeAsync().ConfigureAwait(false);
        foreach (var guildId in Cache.GuildIds.Where(g => ShardIdFor(g, ShardCount) == shardId))
        {
            Cache.OnGuildDelete(guildId);
        }
    }

    /// <summary>Stops every shard.</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(Shards.Select(s => s.StopAsync())).ConfigureAwait(false);
    }

    /// <summary>Stops every shard and releases them.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var shard in Shards)
        {
            await shard.DisposeAsync().ConfigureAwait(false);
        }
    }
}
