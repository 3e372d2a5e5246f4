namespace Chorus.Discord.Models;

/// <summary>An interaction object from INTERACTION_CREATE. The token is never part of <see cref="ToString"/>.</summary>
public sealed record Interaction
{
    /// <summary>Interaction type APPLICATION_COMMAND (2): a slash command was run.</summary>
    public const int ApplicationCommandType = 2;
    /// <summary>Interaction type APPLICATION_COMMAND_AUTOCOMPLETE (4): the user is typing an option.</summary>
    public const int AutocompleteType = 4;

    /// <summary>The interaction id (used in the callback URL).</summary>
    public required ulong Id { get; init; }

    /// <summary>The application the interaction is for.</summary>
    public required ulong ApplicationId { get; init; }

    /// <summary>The interaction type (<see cref="ApplicationCommandType"/> or <see cref="AutocompleteType"/>).</summary>
    public required int Type { get; init; }

    /// <summary>The command and its options.</summary>
    public InteractionData? Data { get; init; }

    /// <summary>The guild it was run in; null in DMs.</summary>
    public ulong? GuildId { get; init; }

    /// <summary>The channel it was run in.</summary>
    public ulong? ChannelId { get; init; }

    /// <summary>The calling member, in a guild.</summary>
    public DiscordGuildMember? Member { get; init; }

    /// <summary>The calling user, in DMs.</summary>
    public DiscordUser? User { get; init; }

    /// <summary>The interaction token for the callback and follow-ups (valid 15 minutes); never logged.</summary>
    public required string Token { get; init; }

    /// <summary>The bot's permissions in the channel.</summary>
    public ulong? AppPermissions { get; init; }

    /// <summary>The caller's client language.</summary>
    public string? Locale { get; init; }

    /// <summary>The invoking user, whether the command came from a guild (member.user) or a DM (user).</summary>
    public ulong? InvokerId => Member?.User?.Id ?? User?.Id;

    /// <inheritdoc/>
    public override string ToString() => $"Interaction {{ Id = {Id}, Type = {Type}, Name = {Data?.Name}, GuildId = {GuildId} }}";
}
