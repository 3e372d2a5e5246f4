using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record ServerSpeakingData(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("ssrc")] uint Ssrc,
    [property: JsonPropertyName("speaking")] int Speaking);
