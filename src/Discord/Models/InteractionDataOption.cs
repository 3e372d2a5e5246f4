using System.Text.Json;

namespace Chorus.Discord.Models;

/// <summary>One option value (or subcommand) of an interaction.</summary>
public sealed record InteractionDataOption
{
    /// <summary>The option name.</summary>
    public required string Name { get; init; }

    /// <summary>The option type (see <see cref="Chorus.Discord.Interactions.ApplicationCommandOption"/>).</summary>
    public int Type { get; init; }

    /// <summary>The value as sent: a string, a number or a snowflake string; null for subcommands.</summary>
    public JsonElement? Value { get; init; }

    /// <summary>Set on the option the user is typing in an autocomplete interaction.</summary>
    public bool? Focused { get; init; }

    /// <summary>The options of a subcommand.</summary>
    public IReadOnlyList<InteractionDataOption> Options { get; init; } = [];
}
