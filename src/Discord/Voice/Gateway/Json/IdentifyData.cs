using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

public sealed record IdentifyData(
    [property: JsonPropertyName("server_id")] string ServerId,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("max_dave_protocol_version")] int MaxDaveProtocolVersion);
