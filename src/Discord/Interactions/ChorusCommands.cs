namespace Chorus.Discord.Interactions;

/// <summary>
/// The bot's slash commands. default_member_permissions is per command, not per subcommand, so /persona as a whole
/// is limited to Manage Guild by default (servers can widen it in Integrations settings); set/reset/voice/language are
/// re-checked server-side because that default is only a default. /status shows the persona to everyone.
/// </summary>
public static class ChorusCommands
{
    /// <summary>/join: the bot joins the caller's voice channel (or the one given) and starts talking.</summary>
    public const string Join = "join";
    /// <summary>/leave: the bot leaves the guild's voice channel.</summary>
    public const string Leave = "leave";
    /// <summary>/persona: the group of persona subcommands.</summary>
    public const string Persona = "persona";
    /// <summary>/status: reports the guild's voice session.</summary>
    public const string Status = "status";
    /// <summary>/persona show: shows the guild's persona.</summary>
    public const string PersonaShow = "show";
    /// <summary>/persona set: replaces the guild's persona.</summary>
    public const string PersonaSet = "set";
    /// <summary>/persona reset: returns to the default persona.</summary>
    public const string PersonaReset = "reset";
    /// <summary>/persona voice: picks the voice the model speaks with.</summary>
    public const string PersonaVoice = "voice";
    /// <summary>/persona language: picks the language the model speaks.</summary>
    public const string PersonaLanguage = "language";

    /// <summary>Longest persona the bot accepts: the most a Discord string option carries, and the settings grain's limit.</summary>
    public const int PersonaMaxLength = 6000;

    private static readonly IReadOnlyList<int> GuildOnly = [0];

    /// <summary>Every command, as registered with Discord (global bulk overwrite).</summary>
    public static IReadOnlyList<ApplicationCommand> All { get; } =
    [
        new ApplicationCommand
        {
            Name = Join,
            Description = "Join a voice channel (yours by default) and start talking",
            Contexts = GuildOnly,
            IntegrationTypes = GuildOnly,
            Options =
            [
                new ApplicationCommandOption
                {
                    Type = ApplicationCommandOption.ChannelType,
                    Name = "channel",
                    Description = "Voice channel to join",
                    Required = false,
                    ChannelTypes = [2],
                },
            ],
        },
        new ApplicationCommand
        {
            Name = Leave,
            Description = "Leave the voice channel",
            Contexts = GuildOnly,
            IntegrationTypes = GuildOnly,
        },
        new ApplicationCommand
        {
            Name = Persona,
            Description = "Show or change how the bot speaks in this server",
            Contexts = GuildOnly,
            IntegrationTypes = GuildOnly,
            DefaultMemberPermissions = (ulong)Permissions.ManageGuild,
            Options =
            [
                new ApplicationCommandOption { Type = ApplicationCommandOption.SubCommand, Name = PersonaShow, Description = "Show the current persona" },
                new ApplicationCommandOption
                {
                    Type = ApplicationCommandOption.SubCommand,
                    Name = PersonaSet,
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
                new ApplicationCommandOption { Type = ApplicationCommandOption.SubCommand, Name = PersonaReset, Description = "Back to the default persona" },
                new ApplicationCommandOption
                {
                    Type = ApplicationCommandOption.SubCommand,
                    Name = PersonaVoice,
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
                    Name = PersonaLanguage,
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
        },
        new ApplicationCommand
        {
            Name = Status,
            Description = "Session state, speakers, latency and usage",
            Contexts = GuildOnly,
            IntegrationTypes = GuildOnly,
        },
    ];
}
