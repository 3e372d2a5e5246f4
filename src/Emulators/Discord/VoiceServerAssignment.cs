namespace Chorus.Emulators.Discord;

/// <summary>
/// What the emulator puts in VOICE_SERVER_UPDATE: endpoint "host:port" (null = server going away) and token.
/// <see cref="SessionId"/>, when set, replaces the gateway session id in the bot's VOICE_STATE_UPDATE so a voice
/// emulator that issues its own session ids accepts the voice identify.
/// </summary>
public sealed record VoiceServerAssignment(string? Endpoint, string Token)
{
    public string? SessionId { get; init; }
}
