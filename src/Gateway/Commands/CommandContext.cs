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

    /// <summary>The caller's roles in the guild (without @everyone), as the interaction carries them.</summary>
    public IReadOnlyList<ulong> CallerRoles => Interaction.Member?.Roles ?? [];

    /// <summary>The channel the command was run in (where a public answer would go).</summary>
    public ulong? ChannelId => Interaction.ChannelId;

    public string? GetString(string name) =>
        Options.FirstOrDefault(o => o.Name == name)?.Value is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public ulong? GetSnowflake(string name) =>
        GetString(name) is { } text && ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    public bool? GetBoolean(string name) =>
        Options.FirstOrDefault(o => o.Name == name)?.Value is { } value && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    /// <summary>An integer option; null when absent or not a whole number that fits.</summary>
    public long? GetInteger(string name) =>
        Options.FirstOrDefault(o => o.Name == name)?.Value is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    public InteractionDataOption? Focused => Options.FirstOrDefault(o => o.Focused == true);
}
