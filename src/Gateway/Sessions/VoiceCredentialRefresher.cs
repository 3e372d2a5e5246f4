using Chorus.Discord.Gateway;
using Chorus.Discord.Voice;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Sessions;

/// <summary>
/// Fresh voice credentials for a voice connection whose session the voice server ended (4006, 4009, a failed
/// resume...): op 4 again on the shard that owns the guild, through the same <see cref="VoiceSignalling"/> that /join
/// uses, and the new VOICE_STATE_UPDATE / VOICE_SERVER_UPDATE pair it brings, within a bounded wait. The voice
/// connection then identifies with them and stays the same object, so the bridge and the Gemini conversation are
/// untouched.
/// </summary>
public sealed partial class VoiceCredentialRefresher
{
    private readonly VoiceSignalling _signalling;
    private readonly TimeProvider _time;
    private readonly ILogger<VoiceCredentialRefresher> _logger;

    /// <param name="signalling">The main gateway's voice signalling (op 4 on the guild's shard).</param>
    /// <param name="timeout">How long Discord may take to send both dispatches.</param>
    /// <param name="time">The clock the refresh time is measured with.</param>
    /// <param name="logger">Logger.</param>
    public VoiceCredentialRefresher(VoiceSignalling signalling, TimeSpan timeout, TimeProvider time, ILogger<VoiceCredentialRefresher> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _signalling = signalling;
        Timeout = timeout;
        _time = time;
        _logger = logger;
    }

    /// <summary>How long one refresh waits for Discord's answer.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The refresh of one guild's voice connection, as <see cref="VoiceConnectionOptions.RefreshCredentials"/> takes it.</summary>
    public Func<CancellationToken, ValueTask<VoiceServerCredentials>> For(ulong guildId) => cancellationToken => RefreshAsync(guildId, cancellationToken);

    /// <summary>Asks Discord for a new voice session in the channel the bot is in and returns its credentials.</summary>
    /// <exception cref="TimeoutException">Discord did not answer within <see cref="Timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The bot is in no voice channel of the guild, or its shard is not run here.</exception>
    public async ValueTask<VoiceServerCredentials> RefreshAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var fresh = await _signalling.RejoinAsync(guildId, Timeout, cancellationToken).ConfigureAwait(false);
        LogRefreshed(_logger, guildId, _time.GetElapsedTime(started).TotalMilliseconds);
        return fresh.ToVoiceServerCredentials();
    }

    [LoggerMessage(411, LogLevel.Information, "Guild {GuildId}: fresh voice credentials from Discord in {Milliseconds:0} ms")]
    private static partial void LogRefreshed(ILogger logger, ulong guildId, double milliseconds);
}
