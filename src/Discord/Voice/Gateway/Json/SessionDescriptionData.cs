using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record SessionDescriptionData(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("secret_key")] int[] SecretKey,
    [property: JsonPropertyName("dave_protocol_version")] int DaveProtocolVersion = 0);
