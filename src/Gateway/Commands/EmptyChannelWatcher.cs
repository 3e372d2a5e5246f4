using System.Collections.Concurrent;
using Chorus.Discord.Gateway;
using Chorus.Discord.Models;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Commands;

/// <summary>
/// Auto-leave: when no human is left in the bot's voice channel for <c>delay</c>, ends the session (the grain tells
/// the owner) and leaves voice. A human coming back before then cancels the countdown.
/// </summary>
public sealed partial class EmptyChannelWatcher : IDisposable
{
    private readonly GuildStateCache _cache;
    private readonly Func<ulong?> _botUserId;
    private readonly IGrainFactory _grains;
    private readonly IVoiceChannelJoiner _joiner;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;
    private readonly ILogger<EmptyChannelWatcher> _logger;
    private readonly ConcurrentDictionary<ulong, ITimer> _countdowns = new();

    public EmptyChannelWatcher(
        GuildStateCache cache, Func<ulong?> botUserId, IGrainFactory grains, IVoiceChannelJoiner joiner, TimeSpan delay,
        TimeProvider time, ILogger<EmptyChannelWatcher> logger)
    {
        _cache = cache;
        _botUserId = botUserId;
        _grains = grains;
        _joiner = joiner;
        _delay = delay;
        _time = time;
        _logger = logger;
    }

    /// <summary>A countdown started for a guild (its channel has no humans).</summary>
    public event Action<ulong>? CountdownStarted;

    /// <summary>The bot left a guild's channel because it stayed empty.</summary>
    public event Action<ulong>? LeftEmptyChannel;

    public bool IsCountingDown(ulong guildId) => _countdowns.ContainsKey(guildId);

    /// <summary>Follows a shard's voice states until <see cref="Detach(GatewayClient)"/>.</summary>
    public void Attach(GatewayClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.VoiceStateUpdated += OnVoiceState;
    }

    public void Detach(GatewayClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.VoiceStateUpdated -= OnVoiceState;
    }

    /// <summary>Follows every shard's voice states until <see cref="Detach(ShardSet)"/>.</summary>
    public void Attach(ShardSet shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        shards.VoiceStateUpdated += OnShardVoiceState;
    }

    public void Detach(ShardSet shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        shards.VoiceStateUpdated -= OnShardVoiceState;
    }

    private void OnShardVoiceState(GatewayClient shard, DiscordVoiceState state) => OnVoiceState(state);

    private void OnVoiceState(DiscordVoiceState state)
    {
        if (state.GuildId is ulong guildId)
        {
            Evaluate(guildId);
        }
    }

    /// <summary>Starts or cancels the guild's countdown from the cached voice states.</summary>
    private void Evaluate(ulong guildId)
    {
        var bot = _botUserId();
        var guild = _cache.Get(guildId);
        var channel = bot is ulong id ? guild?.GetUserVoiceChannel(id) : null;
        var empty = channel is ulong c && guild!.CountHumans(c) == 0;
        if (!empty)
        {
            if (_countdowns.TryRemove(guildId, out var cancelled))
            {
                cancelled.Dispose();
            }

            return;
        }

        if (_countdowns.ContainsKey(guildId))
        {
            return;
        }

        var timer = _time.CreateTimer(_ => _ = LeaveIfStillEmptyAsync(guildId), null, _delay, Timeout.InfiniteTimeSpan);
        if (!_countdowns.TryAdd(guildId, timer))
        {
            timer.Dispose();
            return;
        }

        LogCountdown(_logger, guildId, _delay.TotalSeconds);
        CountdownStarted?.Invoke(guildId);
    }

    private async Task LeaveIfStillEmptyAsync(ulong guildId)
    {
        if (!_countdowns.TryRemove(guildId, out var timer))
        {
            return;
        }

        timer.Dispose();
        var bot = _botUserId();
        var guild = _cache.Get(guildId);
        if (bot is not ulong id || guild?.GetUserVoiceChannel(id) is not ulong channel || guild.CountHumans(channel) > 0)
        {
            return;
        }

        try
        {
            await _grains.GetGrain<IVoiceSessionGrain>(unchecked((long)guildId)).LeaveAsync("everyone left the voice channel").ConfigureAwait(false);
            await _joiner.LeaveAsync(guildId, CancellationToken.None).ConfigureAwait(false);
            LogLeft(_logger, guildId);
            LeftEmptyChannel?.Invoke(guildId);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or OrleansException)
        {
            LogLeaveFailed(_logger, ex, guildId);
        }
    }

    public void Dispose()
    {
        foreach (var timer in _countdowns.Values)
        {
            timer.Dispose();
        }

        _countdowns.Clear();
    }

    [LoggerMessage(321, LogLevel.Information, "Guild {GuildId}: no humans left in the voice channel; leaving in {Seconds} s unless someone returns")]
    private static partial void LogCountdown(ILogger logger, ulong guildId, double seconds);

    [LoggerMessage(322, LogLevel.Information, "Guild {GuildId}: left the empty voice channel")]
    private static partial void LogLeft(ILogger logger, ulong guildId);

    [LoggerMessage(323, LogLevel.Warning, "Guild {GuildId}: auto-leave failed")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, ulong guildId);
}
