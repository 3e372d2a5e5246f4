namespace Chorus.Gemini.Wire.Json;

internal sealed record ToolDto(EmptyDto? GoogleSearch);
