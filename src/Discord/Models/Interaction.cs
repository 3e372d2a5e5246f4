namespace Chorus.Discord.Models;

public sealed record Interaction
{
    public const int ApplicationCommandType = 2;
    public const int AutocompleteType = 4;

    public required ulong Id { get; init; }

    public required ulong ApplicationId { get; init; }

    public required int Type { get; init; }

    public InteractionData? Data { get; init; }

    public ulong? GuildId { get; init; }

    public ulong? ChannelId { get; init; }

    public DiscordGuildMember? Member { get; init; }

    public DiscordUser? User { get; init; }

    public required string Token { get; init; }

    public ulong? AppPermissions { get; init; }

    public string? Locale { get; init; }

    /// <summary>The invoking user, whether the command came from a guild (member.user) or a DM (user).</summary>
    public ulong? InvokerId => Member?.User?.Id ?? User?.Id;

    public override string ToString() => $"Interaction {{ Id = {Id}, Type = {Type}, Name = {Data?.Name}, GuildId = {GuildId} }}";
}
