using Chorus.Discord.Interactions;
using Chorus.Discord.Rest;

namespace Chorus.Gateway.Commands;

/// <summary>Registers the slash commands at start, globally or in one guild for development (instant): the definitions of the handlers there are.</summary>
public static class CommandRegistrar
{
    /// <summary>The definitions of <paramref name="commands"/>, in their order; two commands with one name are a wiring mistake.</summary>
    public static IReadOnlyList<ApplicationCommand> Definitions(IEnumerable<ISlashCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var definitions = commands.Select(c => c.Definition).ToList();
        var duplicate = definitions.GroupBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? definitions
            : throw new InvalidOperationException($"Two slash command handlers are named /{duplicate.Key}.");
    }

    public static Task RegisterAsync(
        DiscordRestClient rest, ulong applicationId, ulong? developmentGuildId, IEnumerable<ISlashCommand> commands, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rest);
        var definitions = Definitions(commands);
        return developmentGuildId is ulong guildId
            ? rest.BulkOverwriteGuildCommandsAsync(applicationId, guildId, definitions, cancellationToken)
            : rest.BulkOverwriteGlobalCommandsAsync(applicationId, definitions, cancellationToken);
    }
}
