namespace Chorus.Discord.Interactions;

/// <summary>A slash command definition as sent to the bulk-overwrite endpoints.</summary>
public sealed record ApplicationCommand
{
    public const int ChatInputType = 1;

    public required string Name { get; init; }

    public required string Description { get; init; }

    public int Type { get; init; } = ChatInputType;

    public IReadOnlyList<ApplicationCommandOption>? Options { get; init; }

    /// <summary>Serialized as a string bit set; null = everyone may use the command.</summary>
    public ulong? DefaultMemberPermissions { get; init; }

    /// <summary>0 = guild only.</summary>
    public IReadOnlyList<int>? Contexts { get; init; }

    /// <summary>0 = guild install.</summary>
    public IReadOnlyList<int>? IntegrationTypes { get; init; }
}
