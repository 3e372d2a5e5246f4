namespace Chorus.Discord.Interactions;

public sealed record ApplicationCommandOption
{
    public const int SubCommand = 1;
    public const int StringType = 3;
    public const int ChannelType = 7;

    public required int Type { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    public bool? Required { get; init; }

    public IReadOnlyList<ApplicationCommandOption>? Options { get; init; }

    public IReadOnlyList<ApplicationCommandOptionChoice>? Choices { get; init; }

    public IReadOnlyList<int>? ChannelTypes { get; init; }

    public bool? Autocomplete { get; init; }

    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }
}
