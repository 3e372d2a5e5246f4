namespace Chorus.Discord.Models;

public sealed record DiscordMessage
{
    public required ulong Id { get; init; }

    public ulong? ChannelId { get; init; }

    public string? Content { get; init; }
}
