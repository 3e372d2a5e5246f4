namespace Chorus.Grains.Settings;

/// <summary>What a guild's conversations use. Values left at their defaults follow the bot's configuration.</summary>
[GenerateSerializer, Immutable, Alias("chorus.GuildSettings")]
public sealed record GuildSettings(
    [property: Id(0)] string Persona,
    [property: Id(1)] bool PersonaIsDefault,
    [property: Id(2)] string VoiceName,
    [property: Id(3)] string ModelId,
    [property: Id(4)] string? LanguageCode,
    [property: Id(5)] GuildOptions Options,
    [property: Id(6)] ulong? ChangedBy,
    [property: Id(7)] DateTimeOffset? ChangedAt,
    [property: Id(8)] int Version)
{
    /// <summary>The longest persona accepted, in characters: the most a Discord slash-command string option carries.</summary>
    public const int MaxPersonaLength = 6000;

    /// <summary>The latest persona change (who, when, lengths); null when the persona was never changed.</summary>
    [Id(9)]
    public PersonaEdit? LastPersonaEdit { get; init; }
}
