using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record ClientsConnectData([property: JsonPropertyName("user_ids")] string[] UserIds);
