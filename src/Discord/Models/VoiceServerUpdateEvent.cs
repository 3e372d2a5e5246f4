namespace Chorus.Discord.Models;

public sealed record VoiceServerUpdateEvent
{
    public required string Token { get; init; }

    public required ulong GuildId { get; init; }

    /// <summary>host:port without a scheme; null while Discord allocates a new voice server.</summary>
    public string? Endpoint { get; init; }
}
