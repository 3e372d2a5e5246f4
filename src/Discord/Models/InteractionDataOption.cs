using System.Text.Json;

namespace Chorus.Discord.Models;

public sealed record InteractionDataOption
{
    public required string Name { get; init; }

    public int Type { get; init; }

    public JsonElement? Value { get; init; }

    public IReadOnlyList<InteractionDataOption> Options { get; init; } = [];
}
