using System.Text.Json;

namespace Chorus.Gemini.Wire.Json;

internal sealed record ToolResponseMessage(ToolResponseDto ToolResponse);

internal sealed record ToolResponseDto(IReadOnlyList<FunctionResponseDto> FunctionResponses);

internal sealed record FunctionResponseDto(string Id, string Name, JsonElement Response);
