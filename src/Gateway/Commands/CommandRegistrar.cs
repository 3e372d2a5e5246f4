using Chorus.Discord.Interactions;
using Chorus.Discord.Rest;

namespace Chorus.Gateway.Commands;

/// <summary>Registers the slash commands at start: globally, or in one guild for development (instant).</summary>
public static class CommandRegistrar
{
    public static Task RegisterAsync(DiscordRestClient rest, ulong applicationId, ulong? developmentGuildId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rest);
        return developmentGuildId is ulong guildId
            ? rest.BulkOverwriteGuildCommandsAsync(applicationId, guildId, ChorusCommands.All, cancellationToken)
            : rest.BulkOverwriteGlobalCommandsAsync(applicationId, ChorusCommands.All, cancellationToken);
    }
}
