namespace Chorus.Discord.Models;

/// <summary>Objects an interaction's options reference by id.</summary>
public sealed record InteractionResolved
{
    /// <summary>Channels by id (as a string).</summary>
    public IReadOnlyDictionary<string, DiscordChannel>? Channels { get; init; }
}
