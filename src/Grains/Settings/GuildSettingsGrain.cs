using Chorus.Grains.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Grains.Settings;

[GrainType("guild-settings")]
public sealed class GuildSettingsGrain(
    [PersistentState("settings", GrainStorageNames.Default)] IPersistentState<GuildSettingsState> state,
    IOptions<BotDefaultsOptions> defaults,
    TimeProvider time,
    ILogRedaction redaction,
    ILogger<GuildSettingsGrain> logger) : Grain, IGuildSettingsGrain
{
    private long GuildId => this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        redaction.Protect(Current().Persona);
        return Task.CompletedTask;
    }

    public Task<GuildSettings> GetAsync() => Task.FromResult(Current());

    public Task<IReadOnlyList<PersonaEdit>> GetPersonaEditsAsync() =>
        Task.FromResult<IReadOnlyList<PersonaEdit>>([.. state.State.PersonaEdits]);

    public async Task<SettingsChangeResult> SetPersonaAsync(string persona, ulong changedBy)
    {
        var normalized = persona is null ? null : GuildSettingsRules.NormalizePersona(persona);
        var error = GuildSettingsRules.CheckPersona(normalized);
        if (error is null)
        {
            // Before anything can log it (a failed write's exception, say).
            redaction.Protect(normalized);
        }

        return LogPersonaEdit(await ChangeAsync(error, s => AuditPersona(s, normalized, changedBy), changedBy, "persona"));
    }

    public async Task<SettingsChangeResult> ResetPersonaAsync(ulong changedBy) =>
        LogPersonaEdit(await ChangeAsync(null, s => AuditPersona(s, null, changedBy), changedBy, "persona reset"));

    /// <summary>Sets the persona (null: the default) and records who changed it, when, and its lengths.</summary>
    private void AuditPersona(GuildSettingsState s, string? persona, ulong changedBy)
    {
        var oldLength = GuildSettingsRules.CountCharacters(s.Persona ?? defaults.Value.Persona);
        s.Persona = persona;
        var edit = new PersonaEdit(changedBy, time.GetUtcNow(), oldLength, GuildSettingsRules.CountCharacters(persona ?? defaults.Value.Persona), persona is null);
        s.PersonaEdits.Add(edit);
        if (s.PersonaEdits.Count > IGuildSettingsGrain.PersonaEditsKept)
        {
            s.PersonaEdits.RemoveRange(0, s.PersonaEdits.Count - IGuildSettingsGrain.PersonaEditsKept);
        }
    }

    /// <summary>The audit line of a stored persona change: who, when, the lengths; never the text.</summary>
    private SettingsChangeResult LogPersonaEdit(SettingsChangeResult result)
    {
        if (result.Succeeded && result.Settings.LastPersonaEdit is { } edit)
        {
            logger.LogInformation("Guild {GuildId}: persona {Change} by {UserId} at {At:O}: {OldLength} -> {NewLength} characters",
                GuildId, edit.Reset ? "reset" : "edited", edit.UserId, edit.At, edit.OldLength, edit.NewLength);
        }

        return result;
    }

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
            Version: s.Version)
        {
            LastPersonaEdit = s.PersonaEdits.Count > 0 ? s.PersonaEdits[^1] : null,
        };
    }
}
