namespace Chorus.Discord.Voice;

/// <summary>
/// What the main gateway's VOICE_STATE_UPDATE / VOICE_SERVER_UPDATE give us to join a voice server.
/// <see cref="Endpoint"/> is used as given, port included (stripping it caused endless 4006 loops elsewhere).
/// </summary>
/// <param name="Endpoint">The voice server host:port, as VOICE_SERVER_UPDATE gave it.</param>
/// <param name="GuildId">The guild (the voice gateway's server_id).</param>
/// <param name="UserId">The bot's user id.</param>
/// <param name="SessionId">The bot's voice session id from VOICE_STATE_UPDATE.</param>
/// <param name="Token">The voice token from VOICE_SERVER_UPDATE; never logged.</param>
public sealed record VoiceServerCredentials(string Endpoint, ulong GuildId, ulong UserId, string SessionId, string Token)
{
    // The token is a secret: keep it out of logs and exception messages.
    /// <inheritdoc/>
    public override string ToString() => $"VoiceServerCredentials {{ Endpoint = {Endpoint}, GuildId = {GuildId}, UserId = {UserId} }}";
}
