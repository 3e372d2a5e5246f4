namespace Chorus.Discord.Models;

/// <summary>The VOICE_SERVER_UPDATE dispatch: where to connect for voice. The token is never logged.</summary>
public sealed record VoiceServerUpdateEvent
{
    /// <summary>The voice token for the voice gateway's identify; never logged.</summary>
    public required string Token { get; init; }

    /// <summary>The guild the voice server serves.</summary>
    public required ulong GuildId { get; init; }

    /// <summary>host:port without a scheme; null while Discord allocates a new voice server.</summary>
    public string? Endpoint { get; init; }

    // The voice token authenticates the bot's voice connection: it never goes into a log line.
    /// <inheritdoc/>
    public override string ToString() => $"VoiceServerUpdateEvent {{ GuildId = {GuildId}, Endpoint = {Endpoint} }}";
}
