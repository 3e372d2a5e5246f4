using Chorus.Discord.Interactions;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Commands;

/// <summary>
/// /persona show | set | reset | voice | language. Changing anything needs Manage Server, checked here because the
/// command's default_member_permissions is only a default a server can widen.
/// </summary>
public sealed class PersonaCommand : ISlashCommand
{
    private const int ShownPersonaLength = 1500;
    private readonly IGrainFactory _grains;

    public PersonaCommand(IGrainFactory grains)
    {
        _grains = grains;
    }

    public string Name => ChorusCommands.Persona;

    public bool DefersImmediately => false;

    public async Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = _grains.GetGrain<IGuildSettingsGrain>(context.GuildKey);
        if (context.Subcommand is null or ChorusCommands.PersonaShow)
        {
            return new CommandReply(Describe(await settings.GetAsync().ConfigureAwait(false)));
        }

        if (!context.CallerCanManageGuild)
        {
            return new CommandReply("You need the Manage Server permission to change the persona, voice or language.");
        }

        SettingsChangeResult result;
        string done;
        switch (context.Subcommand)
        {
            case ChorusCommands.PersonaSet:
                result = await settings.SetPersonaAsync(context.GetString("text") ?? string.Empty, context.UserId).ConfigureAwait(false);
                done = "Persona updated. The current conversation picks it up within seconds.";
                break;
            case ChorusCommands.PersonaReset:
                result = await settings.ResetPersonaAsync(context.UserId).ConfigureAwait(false);
                done = "Persona reset to the default.";
                break;
            case ChorusCommands.PersonaVoice:
                var requested = context.GetString("name") ?? string.Empty;
                var voice = PrebuiltVoices.Canonical(requested) ?? requested;
                result = await settings.SetVoiceAsync(voice, context.UserId).ConfigureAwait(false);
                done = $"Voice set to {voice}.";
                break;
            case ChorusCommands.PersonaLanguage:
                var code = context.GetString("code")?.Trim();
                result = await settings.SetLanguageAsync(string.IsNullOrEmpty(code) ? null : code, context.UserId).ConfigureAwait(false);
                done = $"Language set to {code}.";
                break;
            default:
                return new CommandReply($"Unknown /persona subcommand '{context.Subcommand}'.");
        }

        return new CommandReply(result.Succeeded ? done : result.Error ?? "The change was refused.");
    }

    private static string Describe(GuildSettings settings)
    {
        var persona = settings.Persona.Length <= ShownPersonaLength
            ? settings.Persona
            : string.Concat(settings.Persona.AsSpan(0, ShownPersonaLength), "…");
        return $"**Persona**{(settings.PersonaIsDefault ? " (default)" : string.Empty)}:\n{persona}\n"
            + $"**Voice**: {settings.VoiceName}\n**Language**: {settings.LanguageCode ?? "automatic"}";
    }
}
