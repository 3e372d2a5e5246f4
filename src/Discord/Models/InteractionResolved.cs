namespace Chorus.Discord.Models;

public sealed record InteractionResolved
{
    public IReadOnlyDictionary<string, DiscordChannel>? Channels { get; init; }
}
