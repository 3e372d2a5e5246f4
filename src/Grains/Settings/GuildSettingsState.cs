namespace Chorus.Grains.Settings;

/// <summary>What is persisted for a guild: only what it changed; null means "the bot's default".</summary>
[GenerateSerializer, Alias("chorus.GuildSettingsState")]
public sealed class GuildSettingsState
{
    [Id(0)] public string? Persona { get; set; }
    [Id(1)] public string? VoiceName { get; set; }
    [Id(2)] public string? ModelId { get; set; }
    [Id(3)] public string? LanguageCode { get; set; }
    [Id(4)] public GuildOptions Options { get; set; } = new();
    [Id(5)] public ulong? ChangedBy { get; set; }
    [Id(6)] public DateTimeOffset? ChangedAt { get; set; }
    [Id(7)] public int Version { get; set; }
    /// <summary>The latest persona changes, oldest first (audit: who, when, lengths; never the text).</summary>
    [Id(8)] public List<PersonaEdit> PersonaEdits { get; set; } = [];
}
