using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

/// <summary>Client-to-server envelope <c>{op, d}</c>.</summary>
internal sealed record VoiceGatewayMessage<T>(
    [property: JsonPropertyName("op")] int Op,
    [property: JsonPropertyName("d")] T Data);
