namespace Chorus.Discord.Models;

public sealed record ReadyApplication
{
    public required ulong Id { get; init; }
}
