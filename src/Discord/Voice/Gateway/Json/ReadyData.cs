using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

/// <summary>Op 2. Its <c>heartbeat_interval</c> is bogus and ignored; Hello's is used.</summary>
internal sealed record ReadyData(
    [property: JsonPropertyName("ssrc")] uint Ssrc,
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("modes")] string[] Modes);
