using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Discord.Gateway;

/// <summary>
/// One gateway v10 shard: connects, identifies or resumes, heartbeats, reconnects, and raises typed events.
/// Event handlers run on the receive loop: keep them short and hand long work to a task.
/// </summary>
public sealed partial class GatewayClient : IAsyncDisposable
{
    private readonly GatewayClientOptions _options;
    private readonly ILogger _logger;
    private readonly DiscordMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly IIdentifyGate _identifyGate;
    private readonly TaskCompletionSource _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lifecycleLock = new();
    private GatewaySession? _session;
    private long _sequence = -1;
    private volatile GatewayConnection? _connection;
    private CancellationTokenSource? _runCancellation;
    private Task? _runTask;
    private long _latencyTicks = -1;

    /// <summary>A client for one shard; not connected until started.</summary>
    /// <param name="options">Token, shard and timing settings.</param>
    /// <param name="logger">Optional logger; never sees the token.</param>
    /// <param name="identifyGate">Shared identify rate limit for all shards of the process; a private one when null.</param>
    /// <param name="cache">Guild state cache shared with other shards; a private one when null.</param>
    public GatewayClient(GatewayClientOptions options, ILogger<GatewayClient>? logger = null, IIdentifyGate? identifyGate = null, GuildStateCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Token);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ShardCount, 1);
        _metrics = options.Metrics ?? DiscordMetrics.Default;
        if (options.ShardId < 0 || options.ShardId >= options.ShardCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ShardId must be in [0, ShardCount).");
        }

        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = options.TimeProvider;
        _identifyGate = identifyGate ?? new IdentifyGate(1, _time);
        Cache = cache ?? new GuildStateCache();
    }

    internal event Action<ReadyEvent>? Ready;

    /// <summary>The session was resumed (RESUMED dispatch after op 6); missed events were replayed.</summary>
    public event Action? Resumed;

    internal event Action<DiscordGuild>? GuildCreated;

    internal event Action<UnavailableGuild>? GuildDeleted;

    /// <summary>A VOICE_STATE_UPDATE dispatch arrived (after the cache was updated).</summary>
    public event Action<DiscordVoiceState>? VoiceStateUpdated;

    internal event Action<VoiceServerUpdateEvent>? VoiceServerUpdated;

    /// <summary>An INTERACTION_CREATE dispatch arrived (slash command or autocomplete).</summary>
    public event Action<Interaction>? InteractionCreated;

    internal event Action<DiscordChannel>? ChannelUpdated;

    internal event Action<GatewayFatalException>? FatalError;

    /// <summary>This client's shard index.</summary>
    public int ShardId => _options.ShardId;

    /// <summary>The total number of shards of the bot.</summary>
    public int ShardCount => _options.ShardCount;

    /// <summary>The guild state this shard keeps up to date from dispatches.</summary>
    public GuildStateCache Cache { get; }

    /// <summary>The bot's user id from READY; null before the first READY.</summary>
    public ulong? UserId { get; private set; }

    /// <summary>The application id from READY; null before the first READY.</summary>
    public ulong? ApplicationId { get; private set; }

    /// <summary>The gateway session id used to resume; null when there is no session.</summary>
    public string? SessionId => _session?.SessionId;

    /// <summary>The last dispatch sequence number received (sent in heartbeats and resumes).</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Connected, with a session described by READY or RESUMED: dispatches flow. False while reconnecting.</summary>
    public bool IsReady => _connection?.IsReady == true;

    /// <summary>Round trip of the last acknowledged heartbeat.</summary>
    public TimeSpan? HeartbeatLatency => Interlocked.Read(ref _latencyTicks) is >= 0 and long ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>The fatal close that stopped the client, or null while it runs.</summary>
    public GatewayFatalException? Fatal { get; private set; }

    /// <summary>The run loop: completes when stopped, faults with <see cref="GatewayFatalException"/> on a fatal close.</summary>
    public Task Completion => _runTask ?? Task.CompletedTask;

    /// <summary>Starts the connection loop and waits for the first READY (or a fatal error).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycleLock)
        {
            if (_runTask is not null)
            {
                throw new InvalidOperationException("The gateway client is already started.");
            }

            _runCancellation = new CancellationTokenSource();
            var token = _runCancellation.Token;
            // The loop starts inside the shard's scope, so the scope flows to every line it and its event handlers log.
            using (_logger.BeginScope(new ShardLogScope(ShardId, _options.ShardCount)))
            {
                _runTask = Task.Run(() => RunAsync(token), CancellationToken.None);
            }
        }

        await _firstReady.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection and stops reconnecting.</summary>
    public Task StopAsync() => StopAsync(endSession: true);

    /// <summary>
    /// Closes the connection and stops reconnecting. With <paramref name="endSession"/> false the close is the one that
    /// keeps the Discord session resumable, so its voice connections keep playing until another process identifies the
    /// shard (a handover); true ends the session (the bot goes offline on this shard).
    /// </summary>
    public async Task StopAsync(bool endSession)
    {
        CancellationTokenSource? cancellation;
        Task? run;
        lock (_lifecycleLock)
        {
            cancellation = _runCancellation;
            run = _runTask;
        }

        if (cancellation is null || run is null)
        {
            return;
        }

        if (_connection is { } connection)
        {
            connection.Request(endSession ? GatewayCloseAction.Identify : GatewayCloseAction.Resume, "stopping");
            await CloseAsync(connection, endSession
                ? WebSocketCloseStatus.NormalClosure
                : (WebSocketCloseStatus)GatewayCloseCodes.ClosingToResume).ConfigureAwait(false);
        }

        await cancellation.CancelAsync().ConfigureAwait(false);
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
            // Stopping cancels the receive; the socket reports that as aborted rather than as a cancellation.
        }
        catch (GatewayFatalException)
        {
        }
    }

    /// <summary>Stops the client (see <see cref="StopAsync()"/>) and releases its resources.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _runCancellation?.Dispose();
    }

    /// <summary>Sends op 4. channelId null leaves voice. Must go out on the shard that owns the guild.</summary>
    public async ValueTask SendVoiceStateUpdateAsync(ulong guildId, ulong? channelId, bool selfMute = false, bool selfDeaf = false, CancellationToken cancellationToken = default)
    {
        var connection = _connection is { IsReady: true } c
            ? c
            : throw new InvalidOperationException($"Gateway shard {ShardId} is not connected.");
        var payload = new GatewayPayload<VoiceStateCommand>
        {
            Op = (int)GatewayOpcode.VoiceStateUpdate,
            D = new VoiceStateCommand { GuildId = guildId, ChannelId = channelId, SelfMute = selfMute, SelfDeaf = selfDeaf },
        };
        try
        {
            await SendAsync(connection, payload, DiscordJsonContext.Default.GatewayPayloadVoiceStateCommand, priority: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            throw new InvalidOperationException($"Gateway shard {ShardId} lost its connection while sending a voice state update.", ex);
        }
    }

    private async Task SendAsync<T>(GatewayConnection connection, GatewayPayload<T> payload, JsonTypeInfo<GatewayPayload<T>> typeInfo, bool priority, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload, typeInfo);
        await connection.Limiter.WaitAsync(priority, cancellationToken).ConfigureAwait(false);
        await connection.SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    /// <summary>Sends a close frame (bounded wait) and ends the connection's loops.</summary>
    private async Task CloseAsync(GatewayConnection connection, WebSocketCloseStatus status)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (await connection.SendLock.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false))
            {
                try
                {
                    if (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await connection.Socket.CloseOutputAsync(status, null, timeout.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    connection.SendLock.Release();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is going away anyway; the outcome is already recorded.
        }

        try
        {
            await connection.Cancellation.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Raise<T>(Action<T>? handler, T value, string eventName)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(value);
        }
        catch (Exception ex)
        {
            GatewayLog.HandlerFailed(_logger, ex, ShardId, eventName);
        }
    }
}
