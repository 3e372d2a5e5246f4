using Chorus.Discord.Gateway;
using Chorus.Discord.Voice;
using Chorus.Gateway.Commands;
using Chorus.Gemini;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Sessions;

/// <summary>
/// What /join and auto-leave drive in a running bot: the signalling on the Discord gateway (shard), then the voice
/// connection and the Gemini conversation through <see cref="VoiceSessionRunner"/>. Voice server moves and being
/// disconnected from the channel are followed too, between <see cref="StartAsync"/> and <see cref="StopAsync"/>.
/// </summary>
public sealed partial class ConversationJoiner : IVoiceChannelJoiner, IHostedService
{
    private readonly SignallingVoiceChannelJoiner _signalling;
    private readonly VoiceSignalling _voice;
    private readonly VoiceSessionRunner _runner;
    private readonly IGrainFactory _grains;
    private readonly ILogger<ConversationJoiner> _logger;
    private readonly Func<ulong, ulong, bool> _channelExists;

    /// <param name="signalling">Joins on the guild's shard.</param>
    /// <param name="voice">The shards' voice signalling: moves and disconnections.</param>
    /// <param name="runner">Runs the sessions.</param>
    /// <param name="grains">The session grains.</param>
    /// <param name="logger">The log.</param>
    /// <param name="channelExists">
    /// Whether a guild's channel still exists, as far as this process knows (tells a deleted channel from a kick);
    /// null: every channel is taken to exist.
    /// </param>
    public ConversationJoiner(
        SignallingVoiceChannelJoiner signalling, VoiceSignalling voice, VoiceSessionRunner runner, IGrainFactory grains,
        ILogger<ConversationJoiner> logger, Func<ulong, ulong, bool>? channelExists = null)
    {
        _channelExists = channelExists ?? ((_, _) => true);
        _signalling = signalling;
        _voice = voice;
        _runner = runner;
        _grains = grains;
        _logger = logger;
    }

    /// <summary>Starts following voice server moves and disconnections.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _voice.ServerMoved += OnServerMoved;
        _voice.Disconnected += OnDisconnected;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _voice.ServerMoved -= OnServerMoved;
        _voice.Disconnected -= OnDisconnected;
        return Task.CompletedTask;
    }

    public async Task<string?> JoinAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken)
    {
        var (credentials, failure) = await _signalling.SignalAsync(guildId, channelId, cancellationToken).ConfigureAwait(false);
        if (credentials is null)
        {
            return failure;
        }

        var key = unchecked((long)guildId);
        var snapshot = await _grains.GetGrain<IVoiceSessionGrain>(key).GetAsync().ConfigureAwait(false);
        var plan = new JoinResult(_runner.IsRunning(key) ? JoinOutcome.Moved : JoinOutcome.Started, snapshot, null, null);
        try
        {
            await _runner.StartAsync(key, plan, credentials.ToVoiceServerCredentials(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (VoiceConnectionClosedException ex)
        {
            LogStartFailed(_logger, guildId, "voice", ex.Closed.Reason);
            await _voice.LeaveAsync(guildId, CancellationToken.None).ConfigureAwait(false);
            return $"I could not connect to the voice server ({ex.Closed.Reason}). Try again in a moment.";
        }
        catch (GeminiLiveException ex)
        {
            LogStartFailed(_logger, guildId, "gemini", ex.Kind.ToString());
            await _voice.LeaveAsync(guildId, CancellationToken.None).ConfigureAwait(false);
            return ex.IsFatal
                ? $"Gemini refused the conversation: {ex.Message} An admin needs to fix the bot's configuration."
                : "Gemini is not answering right now. Try again in a moment.";
        }
    }

    public async Task LeaveAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var key = unchecked((long)guildId);
        // The grain's push may be ending it at the same time; this covers a push that could not arrive.
        if (_runner.IsRunning(key))
        {
            // The runner tells Discord the bot left once the session is closed.
            await _runner.StopAsync(key, "left", cancellationToken).ConfigureAwait(false);
            return;
        }

        await _voice.LeaveAsync(guildId, cancellationToken).ConfigureAwait(false);
    }

    private void OnServerMoved(VoiceJoinCredentials credentials) => _ = FollowMoveAsync(credentials);

    private void OnDisconnected(ulong guildId) => _ = EndAsync(guildId);

    private async Task FollowMoveAsync(VoiceJoinCredentials credentials)
    {
        var key = unchecked((long)credentials.GuildId);
        try
        {
            var snapshot = await _grains.GetGrain<IVoiceSessionGrain>(key).GetAsync().ConfigureAwait(false);
            if (_runner.IsRunning(key))
            {
                await _runner.StartAsync(key, new JoinResult(JoinOutcome.Moved, snapshot, null, null), credentials.ToVoiceServerCredentials(), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            LogStartFailed(_logger, credentials.GuildId, "move", ex.Message);
        }
    }

    private async Task EndAsync(ulong guildId)
    {
        var key = unchecked((long)guildId);
        try
        {
            var grain = _grains.GetGrain<IVoiceSessionGrain>(key);
            if (!_runner.IsRunning(key))
            {
                await grain.LeaveAsync("disconnected from the voice channel").ConfigureAwait(false);
                return;
            }

            // Kicked, or the channel went away under the bot: the session ends here and says so where it was started.
            var channel = (await grain.GetAsync().ConfigureAwait(false)).ChannelId;
            var ending = channel is ulong id && !_channelExists(guildId, id)
                ? SessionNotices.ChannelDeleted()
                : SessionNotices.Disconnected(channel);
            await _runner.EndAsync(key, ending, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogStartFailed(_logger, guildId, "leave", ex.Message);
        }
    }

    [LoggerMessage(401, LogLevel.Warning, "Guild {GuildId}: {Side} could not start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, ulong guildId, string side, string reason);
}
