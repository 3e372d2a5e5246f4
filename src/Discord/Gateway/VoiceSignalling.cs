using System.Collections.Concurrent;
using Chorus.Discord.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Discord.Gateway;

/// <summary>
/// Main-gateway side of joining voice: sends op 4 on the guild's shard, pairs the bot's VOICE_STATE_UPDATE (session
/// id) with VOICE_SERVER_UPDATE (token, endpoint) in either order, and reports later server moves and losses.
/// Event handlers run on a gateway receive loop: keep them short.
/// </summary>
public sealed partial class VoiceSignalling
{
    private readonly Func<ulong, GatewayClient?> _shardForGuild;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ulong, GuildVoiceSignal> _guilds = new();
    // The channel the bot was asked into or is in, per guild, until it leaves: what a rejoin asks for again. Kept apart
    // from the signals because a signal that timed out is dropped while the bot is still in the channel.
    private readonly ConcurrentDictionary<ulong, ulong> _channels = new();

    /// <summary>Signalling over several shards.</summary>
    /// <param name="shardForGuild">The shard that serves a guild id, or null when none does.</param>
    /// <param name="logger">Optional logger.</param>
    public VoiceSignalling(Func<ulong, GatewayClient?> shardForGuild, ILogger<VoiceSignalling>? logger = null)
    {
        _shardForGuild = shardForGuild;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Signalling for a single-shard bot.</summary>
    public static VoiceSignalling For(GatewayClient client, ILogger<VoiceSignalling>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var signalling = new VoiceSignalling(_ => client, logger);
        signalling.Attach(client);
        return signalling;
    }

    /// <summary>A new VOICE_SERVER_UPDATE arrived while connected: tear down and identify against the new credentials.</summary>
    public event Action<VoiceJoinCredentials>? ServerMoved;

    /// <summary>VOICE_SERVER_UPDATE with a null endpoint while connected: disconnect and wait for <see cref="ServerMoved"/>.</summary>
    public event Action<ulong>? ServerLost;

    /// <summary>The bot's own voice state went to no channel without a leave from us (kicked, channel deleted).</summary>
    public event Action<ulong>? Disconnected;

    /// <summary>Listens to <paramref name="client"/>'s voice state and voice server dispatches.</summary>
    public void Attach(GatewayClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.VoiceStateUpdated += state => OnVoiceState(client, state);
        client.VoiceServerUpdated += OnVoiceServer;
    }

    /// <summary>Joins (or moves to) a channel and returns the credentials once both dispatches are in.</summary>
    public async Task<VoiceJoinCredentials> JoinAsync(ulong guildId, ulong channelId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var shard = _shardForGuild(guildId)
            ?? throw new InvalidOperationException($"Guild {guildId} belongs to a shard this process does not run.");
        var signal = new GuildVoiceSignal(channelId);
        if (_guilds.TryGetValue(guildId, out var previous))
        {
            previous.Pending?.TrySetCanceled(CancellationToken.None);
        }

        _guilds[guildId] = signal;
        _channels[guildId] = channelId;
        await shard.SendVoiceStateUpdateAsync(guildId, channelId, selfMute: false, selfDeaf: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return await signal.Pending!.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _guilds.TryRemove(new KeyValuePair<ulong, GuildVoiceSignal>(guildId, signal));
            throw new TimeoutException($"Discord did not send the voice session and server for guild {guildId} within {timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>
    /// Asks Discord again for the bot's voice session in the channel it is in: op 4 for the same channel on the guild's
    /// shard, answered by a new VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE pair (in either order). This is how a voice
    /// connection whose session the server ended (4006, 4009, a failed resume...) gets credentials it will accept, as
    /// @discordjs/voice does; the pair completes this call instead of being reported as a server move.
    /// </summary>
    /// <exception cref="InvalidOperationException">The bot is in no voice channel of the guild, or its shard is not run here.</exception>
    /// <exception cref="TimeoutException">Discord did not send both dispatches within <paramref name="timeout"/>.</exception>
    public Task<VoiceJoinCredentials> RejoinAsync(ulong guildId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_channels.TryGetValue(guildId, out var channelId))
        {
            throw new InvalidOperationException($"The bot is in no voice channel of guild {guildId}.");
        }

        VoiceSignallingLog.Rejoining(_logger, guildId);
        return JoinAsync(guildId, channelId, timeout, cancellationToken);
    }

    /// <summary>Leaves voice in the guild (op 4 with channel null).</summary>
    public async Task LeaveAsync(ulong guildId, CancellationToken cancellationToken = default)
    {
        _channels.TryRemove(guildId, out _);
        if (_guilds.TryRemove(guildId, out var signal))
        {
            signal.Pending?.TrySetCanceled(CancellationToken.None);
        }

        var shard = _shardForGuild(guildId)
            ?? throw new InvalidOperationException($"Guild {guildId} belongs to a shard this process does not run.");
        await shard.SendVoiceStateUpdateAsync(guildId, null, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The credentials last handed out for a guild, if connected.</summary>
    public VoiceJoinCredentials? Current(ulong guildId) =>
        _guilds.TryGetValue(guildId, out var signal) ? signal.Current : null;

    private void OnVoiceState(GatewayClient client, DiscordVoiceState state)
    {
        if (state.UserId != client.UserId || state.GuildId is not ulong guildId || !_guilds.TryGetValue(guildId, out var signal))
        {
            return;
        }

        lock (signal)
        {
            signal.UserId = state.UserId;
            if (state.ChannelId is not ulong channelId)
            {
                if (signal.Current is not null)
                {
                    _guilds.TryRemove(new KeyValuePair<ulong, GuildVoiceSignal>(guildId, signal));
                    _channels.TryRemove(guildId, out _);
                    VoiceSignallingLog.Disconnected(_logger, guildId);
                    Raise(Disconnected, guildId);
                }

                return;
            }

            signal.SessionId = state.SessionId;
            signal.ChannelId = channelId;
            _channels[guildId] = channelId;
            TryComplete(guildId, signal);
        }
    }

    private void OnVoiceServer(VoiceServerUpdateEvent update)
    {
        if (!_guilds.TryGetValue(update.GuildId, out var signal))
        {
            return;
        }

        lock (signal)
        {
            signal.Token = update.Token;
            signal.Endpoint = update.Endpoint;
            if (update.Endpoint is null)
            {
                if (signal.Current is not null)
                {
                    VoiceSignallingLog.ServerLost(_logger, update.GuildId);
                    signal.Current = null;
                    signal.WasConnected = true;
                    Raise(ServerLost, update.GuildId);
                }

                return;
            }

            if (signal.Current is not null || signal.WasConnected)
            {
                if (signal.Credentials(update.GuildId) is { } moved)
                {
                    signal.Current = moved;
                    VoiceSignallingLog.ServerMoved(_logger, update.GuildId);
                    Raise(ServerMoved, moved);
                }

                return;
            }

            TryComplete(update.GuildId, signal);
        }
    }

    private static void TryComplete(ulong guildId, GuildVoiceSignal signal)
    {
        if (signal.Pending is null || signal.Current is not null || signal.WasConnected || signal.Credentials(guildId) is not { } credentials)
        {
            return;
        }

        signal.Current = credentials;
        signal.Pending.TrySetResult(credentials);
    }

    private void Raise<T>(Action<T>? handler, T value)
    {
        try
        {
            handler?.Invoke(value);
        }
        catch (Exception ex)
        {
            VoiceSignallingLog.HandlerFailed(_logger, ex);
        }
    }

    private sealed class GuildVoiceSignal
    {
        public GuildVoiceSignal(ulong channelId)
        {
            ChannelId = channelId;
            Pending = new TaskCompletionSource<VoiceJoinCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public TaskCompletionSource<VoiceJoinCredentials>? Pending { get; }

        public ulong ChannelId { get; set; }

        public ulong UserId { get; set; }

        public string? SessionId { get; set; }

        public string? Token { get; set; }

        public string? Endpoint { get; set; }

        public VoiceJoinCredentials? Current { get; set; }

        public bool WasConnected { get; set; }

        public VoiceJoinCredentials? Credentials(ulong guildId) =>
            SessionId is not null && Token is not null && Endpoint is not null && UserId != 0
                ? new VoiceJoinCredentials(guildId, ChannelId, UserId, SessionId, Token, Endpoint)
                : null;
    }
}
