namespace Chorus.Discord.Voice;

/// <summary>
/// What the main gateway's VOICE_STATE_UPDATE / VOICE_SERVER_UPDATE give us to join a voice server.
/// <see cref="Endpoint"/> is used as given, port included (stripping it caused endless 4006 loops elsewhere).
/// </summary>
public sealed record VoiceServerCredentials(string Endpoint, ulong GuildId, ulong UserId, string SessionId, string Token)
{
    // The token is a secret: keep it out of logs and exception messages.
    public override string ToString() => $"VoiceServerCredentials {{ Endpoint = {Endpoint}, GuildId = {GuildId}, UserId = {UserId} }}";
}
