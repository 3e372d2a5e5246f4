using Chorus.Discord.Interactions;
using Chorus.Gemini;
using Chorus.Grains;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Commands;

/// <summary>
/// /persona show | set | reset | voice | language. Changing anything needs Manage Server, checked here because the
/// command's default_member_permissions is only a default a server can widen. Each reply says when the change takes
/// effect: a persona reaches a running conversation (in place on models with <c>contextUpdate</c>, by a new Gemini
/// session on the others); voice and language are fixed when a session starts.
/// </summary>
public sealed class PersonaCommand : IAutocompleteCommand
{
    public const string CommandName = "persona";
    public const string Show = "show";
    public const string Set = "set";
    public const string Reset = "reset";
    public const string Voice = "voice";
    public const string Language = "language";

    /// <summary>Longest persona the bot accepts: the most a Discord string option carries, and the settings grain's limit.</summary>
    public const int PersonaMaxLength = GuildSettings.MaxPersonaLength;

    private const int ShownPersonaLength = 1500;
    private const int MaxSuggestions = 25;
    private readonly IGrainFactory _grains;
    private readonly ILogRedaction? _redaction;

    /// <param name="grains">The guild's settings and session grains.</param>
    /// <param name="redaction">Told a new persona before anything else happens to it, so no log line of this process can quote it.</param>
    public PersonaCommand(IGrainFactory grains, ILogRedaction? redaction = null)
    {
        _grains = grains;
        _redaction = redaction;
    }

    /// <summary>
    /// default_member_permissions is per command, not per subcommand, so /persona as a whole is limited to Manage
    /// Server by default (servers can widen it in Integrations settings); /status shows the persona to everyone.
    /// </summary>
    public ApplicationCommand Definition { get; } = new()
    {
        Name = CommandName,
        Description = "Show or change how the bot speaks in this server",
        Contexts = ApplicationCommand.GuildOnly,
        IntegrationTypes = ApplicationCommand.GuildOnly,
        DefaultMemberPermissions = (ulong)Permissions.ManageGuild,
        Options =
        [
            new ApplicationCommandOption { Type = ApplicationCommandOption.SubCommand, Name = Show, Description = "Show the current persona" },
            new ApplicationCommandOption
            {
                Type = ApplicationCommandOption.SubCommand,
                Name = Set,
                Description = "Set the persona (system instructions)",
                Options =
                [
                    new ApplicationCommandOption
                    {
                        Type = ApplicationCommandOption.StringType,
                        Name = "text",
                        Description = "Who the bot is and how it talks",
                        Required = true,
                        MinLength = 1,
                        MaxLength = PersonaMaxLength,
                    },
                ],
            },
            new ApplicationCommandOption { Type = ApplicationCommandOption.SubCommand, Name = Reset, Description = "Back to the default persona" },
            new ApplicationCommandOption
            {
                Type = ApplicationCommandOption.SubCommand,
                Name = Voice,
                Description = "Choose the voice",
                Options =
                [
                    new ApplicationCommandOption
                    {
                        Type = ApplicationCommandOption.StringType,
                        Name = "name",
                        Description = "Prebuilt voice name",
                        Required = true,
                        Autocomplete = true,
                    },
                ],
            },
            new ApplicationCommandOption
            {
                Type = ApplicationCommandOption.SubCommand,
                Name = Language,
                Description = "Set the language the bot speaks",
                Options =
                [
                    new ApplicationCommandOption
                    {
                        Type = ApplicationCommandOption.StringType,
                        Name = "code",
                        Description = "BCP-47 language code, e.g. en-US, fr-FR",
                        Required = true,
                        MinLength = 2,
                        MaxLength = 35,
                    },
                ],
            },
        ],
    };

    public bool DefersImmediately => false;

    public async Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = _grains.GetGrain<IGuildSettingsGrain>(context.GuildKey);
        if (context.Subcommand is null or Show)
        {
            return new CommandReply(Describe(await settings.GetAsync().ConfigureAwait(false)));
        }

        if (!context.CallerCanManageGuild)
        {
            return new CommandReply("You need the Manage Server permission to change the persona, voice or language.");
        }

        var session = await _grains.GetGrain<IVoiceSessionGrain>(context.GuildKey).GetAsync().ConfigureAwait(false);
        SettingsChangeResult result;
        string done;
        switch (context.Subcommand)
        {
            case Set:
                var text = context.GetString("text") ?? string.Empty;
                // As typed, and as stored (the grain turns Windows line ends into newlines).
                _redaction?.Protect(text);
                _redaction?.Protect(text.Replace("\r\n", "\n", StringComparison.Ordinal));
                result = await settings.SetPersonaAsync(text, context.UserId).ConfigureAwait(false);
                done = "Persona updated. " + PersonaTiming(session, result.Settings.ModelId);
                break;
            case Reset:
                result = await settings.ResetPersonaAsync(context.UserId).ConfigureAwait(false);
                done = "Persona reset to the default. " + PersonaTiming(session, result.Settings.ModelId);
                break;
            case Voice:
                var requested = context.GetString("name") ?? string.Empty;
                var voice = PrebuiltVoices.Canonical(requested) ?? requested;
                result = await settings.SetVoiceAsync(voice, context.UserId).ConfigureAwait(false);
                done = $"Voice set to {voice}. {ChangeTiming.For(session, appliesLive: false)}";
                break;
            case Language:
                var code = context.GetString("code")?.Trim();
                result = await settings.SetLanguageAsync(string.IsNullOrEmpty(code) ? null : code, context.UserId).ConfigureAwait(false);
                done = $"Language set to {code}. {ChangeTiming.For(session, appliesLive: false)}";
                break;
            default:
                return new CommandReply($"Unknown /persona subcommand '{context.Subcommand}'.");
        }

        return new CommandReply(result.Succeeded ? done : result.Error ?? "The change was refused.");
    }

    /// <summary>Autocomplete for /persona voice: the catalogue's matches, as many as Discord shows.</summary>
    public IReadOnlyList<ApplicationCommandOptionChoice> Suggest(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Subcommand != Voice)
        {
            return [];
        }

        var typed = context.Focused?.Value is { ValueKind: System.Text.Json.JsonValueKind.String } value ? value.GetString() : null;
        return [.. PrebuiltVoices.Matching(typed, MaxSuggestions).Select(v => new ApplicationCommandOptionChoice(v, v))];
    }

    /// <summary>
    /// When a new persona reaches the conversation: a running session gets it pushed at once, in place where the model
    /// takes <c>contextUpdate</c>; other models only take it in a new Gemini session, which the bot opens at once.
    /// </summary>
    public static string PersonaTiming(VoiceSessionSnapshot session, string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        if (!ChangeTiming.IsLive(session))
        {
            return ChangeTiming.NoSession;
        }

        return GeminiModelSupport.SupportsContextUpdate(modelId)
            ? "The current conversation picks it up within seconds."
            : $"The model in use ({modelId}) cannot change its persona mid-conversation, so I start a new Gemini session with it now: I stay in the channel, but may not remember what was said so far.";
    }

    private static string Describe(GuildSettings settings)
    {
        var persona = settings.Persona.Length <= ShownPersonaLength
            ? settings.Persona
            : string.Concat(settings.Persona.AsSpan(0, ShownPersonaLength), "…");
        return $"**Persona**{(settings.PersonaIsDefault ? " (default)" : string.Empty)}:\n{persona}\n"
            + $"**Voice**: {settings.VoiceName}\n**Language**: {settings.LanguageCode ?? "automatic"}"
            + (settings.LastPersonaEdit is { } edit ? "\n" + DescribeEdit(edit) : string.Empty);
    }

    /// <summary>Who changed the persona last and when (a Discord timestamp, shown in the reader's time zone).</summary>
    public static string DescribeEdit(PersonaEdit edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var at = edit.At.ToUnixTimeSeconds();
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"**Last persona change**: {(edit.Reset ? "reset to the default" : "set")} by <@{edit.UserId}> <t:{at}:f> (<t:{at}:R>), {edit.OldLength} -> {edit.NewLength} characters");
    }
}
