using System.Globalization;
using Chorus.Discord.Interactions;
using Chorus.Discord.Models;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Commands;

/// <summary>
/// /settings show | transcripts | half-duplex | barge-in | google-search | session-limit | control: the guild's options.
/// Discord shows the command to Manage Server members by default; changes are checked again here because a server can
/// widen that default. Showing is open to anyone who can run the command. Each reply says when the change takes
/// effect: half-duplex, local barge-in, the session limit and who may stop or move the bot apply to a running
/// conversation at once; transcripts and Google Search are fixed when a session starts.
/// </summary>
public sealed class SettingsCommand : ISlashCommand
{
    public const string CommandName = "settings";
    public const string Show = "show";
    public const string Transcripts = "transcripts";
    public const string HalfDuplex = "half-duplex";
    public const string BargeIn = "barge-in";
    public const string GoogleSearch = "google-search";
    public const string SessionLimit = "session-limit";
    public const string Control = "control";

    /// <summary>Values of the control subcommand's "who" option.</summary>
    public const string AnyoneInChannel = "anyone-in-channel";
    public const string RoleMembers = "role";
    public const string ManagersOnly = "managers";

    private readonly IGrainFactory _grains;

    public SettingsCommand(IGrainFactory grains)
    {
        _grains = grains;
    }

    public ApplicationCommand Definition { get; } = new()
    {
        Name = CommandName,
        Description = "Show or change this server's bot settings",
        Contexts = ApplicationCommand.GuildOnly,
        IntegrationTypes = ApplicationCommand.GuildOnly,
        DefaultMemberPermissions = (ulong)Permissions.ManageGuild,
        Options =
        [
            new ApplicationCommandOption { Type = ApplicationCommandOption.SubCommand, Name = Show, Description = "Show every setting" },
            new ApplicationCommandOption
            {
                Type = ApplicationCommandOption.SubCommand,
                Name = Transcripts,
                Description = "Post what was said in a text channel; leave the channel out to turn transcripts off",
                Options =
                [
                    new ApplicationCommandOption
                    {
                        Type = ApplicationCommandOption.ChannelType,
                        Name = "channel",
                        Description = "Text channel for transcripts (empty: off)",
                        Required = false,
                        ChannelTypes = [DiscordChannel.GuildText, GuildAnnouncement],
                    },
                ],
            },
            Switch(HalfDuplex, "Nobody is heard while the bot talks (noisy channels); it cannot be interrupted then"),
            Switch(BargeIn, "The bot stops talking as soon as someone speaks (local barge-in)"),
            Switch(GoogleSearch, "The model may search Google to answer"),
            new ApplicationCommandOption
            {
                Type = ApplicationCommandOption.SubCommand,
                Name = SessionLimit,
                Description = $"Longest session in minutes ({GuildOptions.MinAllowedSessionMinutes}-{GuildOptions.MaxAllowedSessionMinutes})",
                Options =
                [
                    new ApplicationCommandOption
                    {
                        Type = ApplicationCommandOption.IntegerType,
                        Name = "minutes",
                        Description = $"{GuildOptions.MinAllowedSessionMinutes} to {GuildOptions.MaxAllowedSessionMinutes} (24 hours)",
                        Required = true,
                        MinValue = GuildOptions.MinAllowedSessionMinutes,
                        MaxValue = GuildOptions.MaxAllowedSessionMinutes,
                    },
                ],
            },
            new ApplicationCommandOption
            {
                Type = ApplicationCommandOption.SubCommand,
                Name = Control,
                Description = "Who may stop (/leave) or move (/join elsewhere) the bot while others talk with it",
                Options =
                [
                    new ApplicationCommandOption
                    {
                        Type = ApplicationCommandOption.StringType,
                        Name = "who",
                        Description = "Who may stop or move the bot",
                        Required = true,
                        Choices =
                        [
                            new ApplicationCommandOptionChoice("Anyone in the bot's voice channel", AnyoneInChannel),
                            new ApplicationCommandOptionChoice("Members with a role (pick it in 'role')", RoleMembers),
                            new ApplicationCommandOptionChoice("Manage Server only", ManagersOnly),
                        ],
                    },
                    new ApplicationCommandOption
                    {
                        Type = ApplicationCommandOption.RoleType,
                        Name = "role",
                        Description = "The role, when 'who' is a role",
                        Required = false,
                    },
                ],
            },
        ],
    };

    public bool DefersImmediately => false;

    /// <summary>GUILD_ANNOUNCEMENT (5): a text channel that can be followed; the bot can post there too.</summary>
    private const int GuildAnnouncement = 5;

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
            return new CommandReply("You need the Manage Server permission to change the bot's settings. `/settings show` shows them.");
        }

        var (change, refusal) = Read(context);
        if (refusal is not null)
        {
            return new CommandReply(refusal);
        }

        var result = await settings.ChangeOptionsAsync(change!, context.UserId).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return new CommandReply(result.Error ?? "The change was refused.");
        }

        var session = await _grains.GetGrain<IVoiceSessionGrain>(context.GuildKey).GetAsync().ConfigureAwait(false);
        return new CommandReply(Confirm(context.Subcommand, result.Settings.Options, session));
    }

    /// <summary>The change a subcommand asks for, or the sentence that says what is wrong with it.</summary>
    private static (GuildOptionsChange? Change, string? Refusal) Read(CommandContext context)
    {
        switch (context.Subcommand)
        {
            case Transcripts:
                var channelId = context.GetSnowflake("channel");
                if (channelId is ulong id && TranscriptChannelProblem(context, id) is { } problem)
                {
                    return (null, problem);
                }

                return (new GuildOptionsChange { ChangesTranscriptChannel = true, TranscriptChannelId = channelId }, null);
            case HalfDuplex:
                return context.GetBoolean("enabled") is bool halfDuplex ? (new GuildOptionsChange { HalfDuplex = halfDuplex }, null) : (null, SayOnOrOff(HalfDuplex));
            case BargeIn:
                return context.GetBoolean("enabled") is bool bargeIn ? (new GuildOptionsChange { LocalBargeIn = bargeIn }, null) : (null, SayOnOrOff(BargeIn));
            case GoogleSearch:
                return context.GetBoolean("enabled") is bool search ? (new GuildOptionsChange { GoogleSearch = search }, null) : (null, SayOnOrOff(GoogleSearch));
            case SessionLimit:
                var minutes = context.GetInteger("minutes");
                return minutes is >= GuildOptions.MinAllowedSessionMinutes and <= GuildOptions.MaxAllowedSessionMinutes
                    ? (new GuildOptionsChange { MaxSessionMinutes = (int)minutes.Value }, null)
                    : (null, $"The session limit must be a whole number of minutes from {GuildOptions.MinAllowedSessionMinutes} to {GuildOptions.MaxAllowedSessionMinutes} (24 hours).");
            case Control:
                var role = context.GetSnowflake("role");
                return context.GetString("who") switch
                {
                    AnyoneInChannel => (new GuildOptionsChange { ControlPolicy = SessionControlPolicy.AnyoneInChannel }, null),
                    ManagersOnly => (new GuildOptionsChange { ControlPolicy = SessionControlPolicy.ManagersOnly }, null),
                    RoleMembers when role is ulong roleId => (new GuildOptionsChange { ControlPolicy = SessionControlPolicy.Role, ControlRoleId = roleId }, null),
                    RoleMembers => (null, "Pick the role too: `/settings control who:role role:@YourRole`."),
                    var other => (null, $"'{other}' is not a choice: use {AnyoneInChannel}, {RoleMembers} or {ManagersOnly}."),
                };
            default:
                return (null, $"Unknown /settings subcommand '{context.Subcommand}'.");
        }
    }

    /// <summary>Why the bot could not post transcripts in the channel, or null when it can.</summary>
    private static string? TranscriptChannelProblem(CommandContext context, ulong channelId)
    {
        if (context.Guild is not { } guild)
        {
            return "I have not received this server's details from Discord yet. Try again in a few seconds.";
        }

        var channel = guild.GetChannel(channelId);
        if (channel is null || channel.Type is not (DiscordChannel.GuildText or GuildAnnouncement))
        {
            return $"<#{channelId}> is not a text channel: transcripts go to a text or announcement channel.";
        }

        var granted = PermissionCalculator.ForMember(guild, context.BotUserId, channelId) ?? Permissions.None;
        const Permissions needed = Permissions.ViewChannel | Permissions.SendMessages;
        return (granted & needed) == needed
            ? null
            : $"I can't post in <#{channelId}>: I need the View Channel and Send Messages permissions there. Grant them to my role or in the channel's settings, then try again.";
    }

    private static string SayOnOrOff(string subcommand) => $"Say whether {subcommand} should be on or off: `/settings {subcommand} enabled:True`.";

    private static string Confirm(string subcommand, GuildOptions options, VoiceSessionSnapshot session) => subcommand switch
    {
        Transcripts => (options.TranscriptChannelId is ulong channel ? $"Transcripts will be posted in <#{channel}>." : "Transcripts are off.")
            + " " + ChangeTiming.For(session, appliesLive: false),
        HalfDuplex => (options.HalfDuplex
                ? "Half-duplex is on: nobody is heard while I talk, so I can't be interrupted."
                : "Half-duplex is off: I hear people while I talk, and they can interrupt me.")
            + " " + ChangeTiming.For(session, appliesLive: true),
        BargeIn => (options.LocalBargeIn
                ? "Local barge-in is on: I stop talking as soon as someone speaks."
                + (options.HalfDuplex ? " (It has no effect while half-duplex is on.)" : "")
                : "Local barge-in is off: I stop talking only when Gemini says I was interrupted.")
            + " " + ChangeTiming.For(session, appliesLive: true),
        GoogleSearch => (options.GoogleSearch ? "Google Search is on: the model may search the web to answer." : "Google Search is off.")
            + " " + ChangeTiming.For(session, appliesLive: false),
        SessionLimit => $"Sessions now end after {Minutes(options.MaxSessionMinutes)}, with a warning a minute before."
            + (ChangeTiming.IsLive(session) ? " The current session's limit follows the change." : ""),
        Control => $"From now on, who may stop or move me while others are talking with me: {SessionControlRule.Describe(options)}.",
        _ => "Settings updated.",
    };

    private static string Describe(GuildSettings settings)
    {
        var o = settings.Options;
        string[] lines =
        [
            "**Settings**",
            $"**Transcripts**: {(o.TranscriptChannelId is ulong channel ? $"posted in <#{channel}>" : "off")}",
            $"**Half-duplex**: {OnOff(o.HalfDuplex)}",
            $"**Local barge-in**: {OnOff(o.LocalBargeIn)}{(o.LocalBargeIn && o.HalfDuplex ? " (no effect while half-duplex is on)" : "")}",
            $"**Google Search**: {OnOff(o.GoogleSearch)}",
            $"**Session limit**: {Minutes(o.MaxSessionMinutes)}",
            $"**Who may stop or move me**: {SessionControlRule.Describe(o)}",
            .. settings.LastPersonaEdit is { } edit ? [PersonaCommand.DescribeEdit(edit)] : Array.Empty<string>(),
            "Change one with `/settings transcripts`, `half-duplex`, `barge-in`, `google-search`, `session-limit` or `control`.",
        ];
        return string.Join('\n', lines);
    }

    private static string OnOff(bool on) => on ? "on" : "off";

    private static string Minutes(int minutes) =>
        string.Create(CultureInfo.InvariantCulture, $"{minutes} minute{(minutes == 1 ? "" : "s")}");

    private static ApplicationCommandOption Switch(string name, string description) => new()
    {
        Type = ApplicationCommandOption.SubCommand,
        Name = name,
        Description = description,
        Options =
        [
            new ApplicationCommandOption { Type = ApplicationCommandOption.BooleanType, Name = "enabled", Description = "On (True) or off (False)", Required = true },
        ],
    };
}
