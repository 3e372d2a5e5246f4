using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record ClientDisconnectData([property: JsonPropertyName("user_id")] string UserId);
