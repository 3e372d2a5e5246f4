namespace Chorus.Discord.Models;

public sealed record VoiceServerUpdateEvent
{
    public required string Token { get; init; }

    public required ulong GuildId { get; init; }

    /// <summary>host:port without a scheme; null while Discord allocates a new voice server.</summary>
    public string? Endpoint { get; init; }

    // The voice token authenticates the bot's voice connection: it never goes into a log line.
    public override string ToString() => $"VoiceServerUpdateEvent {{ GuildId = {GuildId}, Endpoint = {Endpoint} }}";
}
