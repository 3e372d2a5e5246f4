namespace Chorus.Discord.Interactions;

/// <summary>A slash command definition as sent to the bulk-overwrite endpoints.</summary>
public sealed record ApplicationCommand
{
    /// <summary>Application command type CHAT_INPUT (1): a slash command.</summary>
    public const int ChatInputType = 1;

    /// <summary>The command name users type after the slash (1-32 lowercase characters).</summary>
    public required string Name { get; init; }

    /// <summary>The description Discord shows (1-100 characters).</summary>
    public required string Description { get; init; }

    /// <summary>The application command type; <see cref="ChatInputType"/> by default.</summary>
    public int Type { get; init; } = ChatInputType;

    /// <summary>The command's options or subcommands.</summary>
    public IReadOnlyList<ApplicationCommandOption>? Options { get; init; }

    /// <summary>Serialized as a string bit set; null = everyone may use the command.</summary>
    public ulong? DefaultMemberPermissions { get; init; }

    /// <summary>Where the command can be used (interaction context types); <see cref="GuildOnly"/> for a server-only command.</summary>
    public IReadOnlyList<int>? Contexts { get; init; }

    /// <summary>How the app must be installed for the command to show (integration types); <see cref="GuildOnly"/> for a server install.</summary>
    public IReadOnlyList<int>? IntegrationTypes { get; init; }

    /// <summary>Context type GUILD and integration type GUILD_INSTALL (both 0): a command for servers only.</summary>
    public static IReadOnlyList<int> GuildOnly { get; } = [0];
}
