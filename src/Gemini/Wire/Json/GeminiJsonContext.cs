using System.Text.Json.Serialization;

namespace Chorus.Gemini.Wire.Json;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(SetupMessage))]
[JsonSerializable(typeof(ClientContentMessage))]
[JsonSerializable(typeof(ContextUpdateMessage))]
[JsonSerializable(typeof(ToolResponseMessage))]
internal sealed partial class GeminiJsonContext : JsonSerializerContext;
