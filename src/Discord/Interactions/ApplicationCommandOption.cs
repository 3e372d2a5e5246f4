namespace Chorus.Discord.Interactions;

/// <summary>One option (or subcommand) of an application command, as registered with Discord.</summary>
public sealed record ApplicationCommandOption
{
    /// <summary>Option type SUB_COMMAND (1).</summary>
    public const int SubCommand = 1;
    /// <summary>Option type STRING (3).</summary>
    public const int StringType = 3;
    /// <summary>Option type INTEGER (4).</summary>
    public const int IntegerType = 4;
    /// <summary>Option type BOOLEAN (5).</summary>
    public const int BooleanType = 5;
    /// <summary>Option type CHANNEL (7).</summary>
    public const int ChannelType = 7;
    /// <summary>Option type ROLE (8).</summary>
    public const int RoleType = 8;

    /// <summary>The option type (<see cref="SubCommand"/>, <see cref="StringType"/>, <see cref="IntegerType"/>, ...).</summary>
    public required int Type { get; init; }

    /// <summary>The option name (1-32 lowercase characters).</summary>
    public required string Name { get; init; }

    /// <summary>The description Discord shows (1-100 characters).</summary>
    public required string Description { get; init; }

    /// <summary>Whether the user must fill the option; Discord's default is false.</summary>
    public bool? Required { get; init; }

    /// <summary>The options of a subcommand.</summary>
    public IReadOnlyList<ApplicationCommandOption>? Options { get; init; }

    /// <summary>Fixed choices the user picks from (up to 25).</summary>
    public IReadOnlyList<ApplicationCommandOptionChoice>? Choices { get; init; }

    /// <summary>For a channel option: the channel types it accepts.</summary>
    public IReadOnlyList<int>? ChannelTypes { get; init; }

    /// <summary>Whether Discord asks the bot for suggestions while the user types (interaction type 4).</summary>
    public bool? Autocomplete { get; init; }

    /// <summary>For a string option: the least characters accepted.</summary>
    public int? MinLength { get; init; }

    /// <summary>For a string option: the most characters accepted.</summary>
    public int? MaxLength { get; init; }

    /// <summary>For an integer option: the least value Discord lets the user enter.</summary>
    public long? MinValue { get; init; }

    /// <summary>For an integer option: the greatest value Discord lets the user enter.</summary>
    public long? MaxValue { get; init; }
}
