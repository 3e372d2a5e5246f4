using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record VoiceIdentifyData(
    [property: JsonPropertyName("server_id")] string ServerId,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("max_dave_protocol_version")] int MaxDaveProtocolVersion)
{
    // The voice token must never reach a log line through a record's generated ToString.
    public override string ToString() => $"VoiceIdentifyData {{ ServerId = {ServerId}, UserId = {UserId}, SessionId = {SessionId}, MaxDaveProtocolVersion = {MaxDaveProtocolVersion} }}";
}
