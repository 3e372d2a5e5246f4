using System.Text.Json;
using Chorus.Discord.Gateway;
using Chorus.Discord.Interactions;
using Chorus.Discord.Models;

namespace Chorus.Gateway.Commands;

/// <summary>One slash-command invocation: who, where, which options, and what this gateway process has cached about the guild.</summary>
public sealed class CommandContext
{
    public CommandContext(Interaction interaction, CachedGuild? guild, ulong botUserId)
    {
        Interaction = interaction;
        Guild = guild;
        BotUserId = botUserId;
        GuildId = interaction.GuildId ?? 0;
        UserId = interaction.InvokerId ?? 0;
        var options = interaction.Data?.Options ?? [];
        var sub = options.FirstOrDefault(o => o.Type == ApplicationCommandOption.SubCommand);
        Subcommand = sub?.Name;
        Options = sub?.Options ?? options;
    }

    public Interaction Interaction { get; }

    public CachedGuild? Guild { get; }

    public ulong BotUserId { get; }

    public ulong GuildId { get; }

    public ulong UserId { get; }

    public string? Subcommand { get; }

    /// <summary>The options of the subcommand when there is one, else the command's.</summary>
    public IReadOnlyList<InteractionDataOption> Options { get; }

    /// <summary>Grain key of the guild (snowflakes fit in 63 bits).</summary>
    public long GuildKey => unchecked((long)GuildId);

    /// <summary>The caller's permissions in the invoking channel, as Discord computed them.</summary>
    private Permissions CallerPermissions => (Permissions)(Interaction.Member?.Permissions ?? 0);

    public bool CallerCanManageGuild => (CallerPermissions & (Permissions.ManageGuild | Permissions.Administrator)) != 0;

    public string? GetString(string name) =>
        Options.FirstOrDefault(o => o.Name == name)?.Value is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public ulong? GetSnowflake(string name) =>
        GetString(name) is { } text && ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    public InteractionDataOption? Focused => Options.FirstOrDefault(o => o.Focused == true);
}
