namespace Chorus.Gateway.Commands;

/// <summary>Moves the bot in and out of voice channels (signalling on the Discord gateway, plus the voice connection in a running bot).</summary>
public interface IVoiceChannelJoiner
{
    /// <summary>Returns null on success, or a sentence saying why the bot could not join.</summary>
    Task<string?> JoinAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken);

    Task LeaveAsync(ulong guildId, CancellationToken cancellationToken);
}
