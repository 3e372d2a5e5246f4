namespace Chorus.Discord.Models;

/// <summary>The data of an application command interaction.</summary>
public sealed record InteractionData
{
    /// <summary>The command id.</summary>
    public ulong Id { get; init; }

    /// <summary>The command name.</summary>
    public required string Name { get; init; }

    /// <summary>The application command type.</summary>
    public int Type { get; init; }

    /// <summary>The options the user filled, or the subcommand run.</summary>
    public IReadOnlyList<InteractionDataOption> Options { get; init; } = [];

    /// <summary>Objects referenced by id in the options (channels).</summary>
    public InteractionResolved? Resolved { get; init; }
}
