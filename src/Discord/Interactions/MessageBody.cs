namespace Chorus.Discord.Interactions;

/// <summary>Message body for callbacks, follow-ups, @original edits and channel messages.</summary>
public sealed record MessageBody
{
    /// <summary>Message flag EPHEMERAL (64): only the interaction's caller sees the message.</summary>
    public const int EphemeralFlag = 1 << 6;

    /// <summary>The message text (up to 2000 characters).</summary>
    public string? Content { get; init; }

    /// <summary>Message flags (<see cref="EphemeralFlag"/>).</summary>
    public int? Flags { get; init; }

    /// <summary>Only for autocomplete results (callback type 8).</summary>
    public IReadOnlyList<ApplicationCommandOptionChoice>? Choices { get; init; }
}
