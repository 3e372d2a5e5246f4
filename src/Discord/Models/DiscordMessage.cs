namespace Chorus.Discord.Models;

/// <summary>A message object, as the REST API returns it after a create or edit.</summary>
public sealed record DiscordMessage
{
    /// <summary>The message id.</summary>
    public required ulong Id { get; init; }

    /// <summary>The channel the message is in.</summary>
    public ulong? ChannelId { get; init; }

    /// <summary>The message text.</summary>
    public string? Content { get; init; }
}
