using Orleans.Concurrency;

namespace Chorus.Grains.Settings;

/// <summary>A guild's persona, voice, model, language and options. Key: the guild id.</summary>
[Alias("chorus.IGuildSettingsGrain")]
public interface IGuildSettingsGrain : IGrainWithIntegerKey
{
    /// <summary>How many persona changes a guild's settings keep for audit.</summary>
    const int PersonaEditsKept = 20;

    [ReadOnly, Alias("Get")]
    Task<GuildSettings> GetAsync();

    /// <summary>The latest persona changes, oldest first (at most <see cref="PersonaEditsKept"/>).</summary>
    [ReadOnly, Alias("GetPersonaEdits")]
    Task<IReadOnlyList<PersonaEdit>> GetPersonaEditsAsync();

    [Alias("SetPersona")]
    Task<SettingsChangeResult> SetPersonaAsync(string persona, ulong changedBy);

    [Alias("ResetPersona")]
    Task<SettingsChangeResult> ResetPersonaAsync(ulong changedBy);

    [Alias("SetVoice")]
    Task<SettingsChangeResult> SetVoiceAsync(string voiceName, ulong changedBy);

    [Alias("SetLanguage")]
    Task<SettingsChangeResult> SetLanguageAsync(string? languageCode, ulong changedBy);

    [Alias("SetModel")]
    Task<SettingsChangeResult> SetModelAsync(string? modelId, ulong changedBy);

    [Alias("SetOptions")]
    Task<SettingsChangeResult> SetOptionsAsync(GuildOptions options, ulong changedBy);

    /// <summary>Changes the options <paramref name="change"/> sets and keeps the others, in one step.</summary>
    [Alias("ChangeOptions")]
    Task<SettingsChangeResult> ChangeOptionsAsync(GuildOptionsChange change, ulong changedBy);
}
