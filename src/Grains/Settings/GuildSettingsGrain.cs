using Chorus.Grains.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Grains.Settings;

[GrainType("guild-settings")]
public sealed class GuildSettingsGrain(
    [PersistentState("settings", GrainStorageNames.Default)] IPersistentState<GuildSettingsState> state,
    IOptions<BotDefaultsOptions> defaults,
    TimeProvider time,
    ILogger<GuildSettingsGrain> logger) : Grain, IGuildSettingsGrain
{
    private long GuildId => this.GetPrimaryKeyLong();

    public Task<GuildSettings> GetAsync() => Task.FromResult(Current());

    public Task<SettingsChangeResult> SetPersonaAsync(string persona, ulong changedBy)
    {
        var normalized = persona is null ? null : GuildSettingsRules.NormalizePersona(persona);
        return ChangeAsync(GuildSettingsRules.CheckPersona(normalized), s => s.Persona = normalized, changedBy, "persona");
    }

    public Task<SettingsChangeResult> ResetPersonaAsync(ulong changedBy) =>
        ChangeAsync(null, s => s.Persona = null, changedBy, "persona reset");

    public Task<SettingsChangeResult> SetVoiceAsync(string voiceName, ulong changedBy)
    {
        var canonical = voiceName is null ? null : PrebuiltVoices.Canonical(voiceName.Trim()) ?? voiceName;
        return ChangeAsync(GuildSettingsRules.CheckVoice(canonical), s => s.VoiceName = canonical, changedBy, "voice");
    }

    public Task<SettingsChangeResult> SetLanguageAsync(string? languageCode, ulong changedBy)
    {
        var code = string.IsNullOrWhiteSpace(languageCode) ? null : languageCode.Trim();
        return ChangeAsync(GuildSettingsRules.CheckLanguage(code), s => s.LanguageCode = code, changedBy, "language");
    }

    public Task<SettingsChangeResult> SetModelAsync(string? modelId, ulong changedBy)
    {
        var id = string.IsNullOrWhiteSpace(modelId) ? null : modelId.Trim();
        return ChangeAsync(GuildSettingsRules.CheckModel(id), s => s.ModelId = id, changedBy, "model");
    }

    public Task<SettingsChangeResult> SetOptionsAsync(GuildOptions options, ulong changedBy) =>
        options is null
            ? Task.FromResult(SettingsChangeResult.Rejected("No options were given.", Current()))
            : ChangeAsync(GuildSettingsRules.CheckOptions(options), s => s.Options = options, changedBy, "options");

    public Task<SettingsChangeResult> ChangeOptionsAsync(GuildOptionsChange change, ulong changedBy)
    {
        if (change is null)
        {
            return Task.FromResult(SettingsChangeResult.Rejected("No change was given.", Current()));
        }

        var options = change.ApplyTo(state.State.Options);
        return ChangeAsync(GuildSettingsRules.CheckOptions(options), s => s.Options = options, changedBy, "options");
    }

    private async Task<SettingsChangeResult> ChangeAsync(
        string? error, Action<GuildSettingsState> apply, ulong changedBy, string what)
    {
        if (error is not null)
        {
            logger.LogInformation("Guild {GuildId}: {What} change by {UserId} rejected", GuildId, what, changedBy);
            return SettingsChangeResult.Rejected(error, Current());
        }

        apply(state.State);
        state.State.ChangedBy = changedBy;
        state.State.ChangedAt = time.GetUtcNow();
        state.State.Version++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The stored value is what counts: drop the in-memory change so reads keep matching storage.
            await state.ReadStateAsync();
            throw;
        }

        var settings = Current();
        logger.LogInformation("Guild {GuildId}: {What} changed by {UserId} (version {Version})",
            GuildId, what, changedBy, settings.Version);
        await NotifySessionAsync(settings);
        return SettingsChangeResult.Ok(settings);
    }

    private async Task NotifySessionAsync(GuildSettings settings)
    {
        try
        {
            await GrainFactory.GetGrain<IVoiceSessionGrain>(GuildId).NotifySettingsChangedAsync(settings);
        }
        catch (Exception ex)
        {
            // The change is stored; a session that missed the push picks the settings up on its next join.
            logger.LogWarning(ex, "Guild {GuildId}: could not push settings to the voice session", GuildId);
        }
    }

    private GuildSettings Current()
    {
        var s = state.State;
        var d = defaults.Value;
        return new GuildSettings(
            Persona: s.Persona ?? d.Persona,
            PersonaIsDefault: s.Persona is null,
            VoiceName: s.VoiceName ?? d.VoiceName,
            ModelId: s.ModelId ?? d.ModelId,
            LanguageCode: s.LanguageCode ?? d.LanguageCode,
            Options: s.Options,
            ChangedBy: s.ChangedBy,
            ChangedAt: s.ChangedAt,
            Version: s.Version);
    }
}
