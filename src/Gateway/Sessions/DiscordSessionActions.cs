using Chorus.Discord.Gateway;
using Chorus.Discord.Interactions;
using Chorus.Discord.Rest;

namespace Chorus.Gateway.Sessions;

/// <summary>The session's Discord side in a running bot: voice signalling on the shards, messages over REST.</summary>
public sealed class DiscordSessionActions(VoiceSignalling signalling, DiscordRestClient rest) : IDiscordSessionActions
{
    public Task LeaveVoiceChannelAsync(ulong guildId, CancellationToken cancellationToken) =>
        signalling.LeaveAsync(guildId, cancellationToken);

    public Task PostMessageAsync(ulong channelId, string text, CancellationToken cancellationToken) =>
        rest.CreateMessageAsync(channelId, new MessageBody { Content = text }, cancellationToken);
}
