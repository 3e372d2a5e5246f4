namespace Chorus.Discord.Interactions;

/// <summary>Message body for callbacks, follow-ups, @original edits and channel messages.</summary>
public sealed record MessageBody
{
    public const int EphemeralFlag = 1 << 6;

    public string? Content { get; init; }

    public int? Flags { get; init; }

    /// <summary>Only for autocomplete results (callback type 8).</summary>
    public IReadOnlyList<ApplicationCommandOptionChoice>? Choices { get; init; }
}
