using Chorus.Discord.Gateway;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Commands;

/// <summary>
/// Joins through the Discord gateway only (op 4 on the guild's shard + voice server credentials); the
/// <see cref="Sessions.ConversationJoiner"/> of a running bot takes the credentials on to the voice connection.
/// </summary>
public sealed partial class SignallingVoiceChannelJoiner : IVoiceChannelJoiner
{
    private readonly VoiceSignalling _signalling;
    private readonly TimeSpan _timeout;
    private readonly ILogger<SignallingVoiceChannelJoiner> _logger;

    public SignallingVoiceChannelJoiner(VoiceSignalling signalling, TimeSpan timeout, ILogger<SignallingVoiceChannelJoiner> logger)
    {
        _signalling = signalling;
        _timeout = timeout;
        _logger = logger;
    }

    public async Task<string?> JoinAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken)
    {
        (_, var failure) = await SignalAsync(guildId, channelId, cancellationToken).ConfigureAwait(false);
        return failure;
    }

    /// <summary>The op 4 dance: the voice server credentials, or a sentence saying why there are none.</summary>
    public async Task<(VoiceJoinCredentials? Credentials, string? Failure)> SignalAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken)
    {
        try
        {
            return (await _signalling.JoinAsync(guildId, channelId, _timeout, cancellationToken).ConfigureAwait(false), null);
        }
        catch (TimeoutException)
        {
            LogJoinTimedOut(_logger, guildId);
            return (null, "Discord did not hand me a voice server in time. Try again in a moment.");
        }
        catch (InvalidOperationException ex)
        {
            LogJoinFailed(_logger, guildId, ex.Message);
            return (null, "I am reconnecting to Discord right now. Try again in a few seconds.");
        }
    }

    public Task LeaveAsync(ulong guildId, CancellationToken cancellationToken) => _signalling.LeaveAsync(guildId, cancellationToken);

    [LoggerMessage(301, LogLevel.Warning, "Guild {GuildId}: voice join timed out")]
    private static partial void LogJoinTimedOut(ILogger logger, ulong guildId);

    [LoggerMessage(302, LogLevel.Warning, "Guild {GuildId}: voice join failed: {Reason}")]
    private static partial void LogJoinFailed(ILogger logger, ulong guildId, string reason);
}
