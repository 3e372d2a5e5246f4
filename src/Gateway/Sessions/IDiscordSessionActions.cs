namespace Chorus.Gateway.Sessions;

/// <summary>What a running voice session asks of the Discord gateway and REST API, besides its voice connection.</summary>
public interface IDiscordSessionActions
{
    /// <summary>Tells Discord the bot left the guild's voice channel (op 4 with no channel).</summary>
    Task LeaveVoiceChannelAsync(ulong guildId, CancellationToken cancellationToken);

    /// <summary>Posts a message to a text channel (transcripts).</summary>
    Task PostMessageAsync(ulong channelId, string text, CancellationToken cancellationToken);
}
