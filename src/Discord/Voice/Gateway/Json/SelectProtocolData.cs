using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

public sealed record SelectProtocolData(
    [property: JsonPropertyName("protocol")] string Protocol,
    [property: JsonPropertyName("data")] SelectProtocolAddress Data);

public sealed record SelectProtocolAddress(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("mode")] string Mode);
