namespace Chorus.Discord.Models;

public sealed record InteractionData
{
    public ulong Id { get; init; }

    public required string Name { get; init; }

    public int Type { get; init; }

    public IReadOnlyList<InteractionDataOption> Options { get; init; } = [];

    public InteractionResolved? Resolved { get; init; }
}
