using Chorus.Discord.Interactions;

namespace Chorus.Gateway.Commands;

/// <summary>
/// One slash command: how it is registered with Discord and what it does. The registered list is made of the
/// <see cref="Definition"/>s of the commands in the container, and interactions are routed by its name, so a command
/// exists for Discord exactly when its handler does.
/// </summary>
public interface ISlashCommand
{
    /// <summary>Name, description, options, default member permissions and contexts, as sent to Discord.</summary>
    ApplicationCommand Definition { get; }

    /// <summary>True when the work always takes seconds (joining voice): defer at once instead of racing the timer.</summary>
    bool DefersImmediately { get; }

    Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken);
}

/// <summary>A command with an option Discord asks suggestions for while the user types (interaction type 4).</summary>
public interface IAutocompleteCommand : ISlashCommand
{
    /// <summary>The suggestions for the focused option (at most 25 are shown); no grain calls, Discord waits for them.</summary>
    IReadOnlyList<ApplicationCommandOptionChoice> Suggest(CommandContext context);
}
