namespace Chorus.Discord.Models;

public sealed record UnavailableGuild
{
    public required ulong Id { get; init; }

    public bool? Unavailable { get; init; }
}
