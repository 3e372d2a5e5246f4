namespace Chorus.Gemini.Wire.Json;

internal sealed record ThinkingConfigDto(string? ThinkingLevel, int? ThinkingBudget);
