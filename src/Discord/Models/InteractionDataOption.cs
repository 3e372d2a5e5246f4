using System.Text.Json;

namespace Chorus.Discord.Models;

public sealed record InteractionDataOption
{
    public required string Name { get; init; }

    public int Type { get; init; }

    public JsonElement? Value { get; init; }

    /// <summary>Set on the option the user is typing in an autocomplete interaction.</summary>
    public bool? Focused { get; init; }

    public IReadOnlyList<InteractionDataOption> Options { get; init; } = [];
}
