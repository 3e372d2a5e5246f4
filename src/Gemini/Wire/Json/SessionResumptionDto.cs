namespace Chorus.Gemini.Wire.Json;

internal sealed record SessionResumptionDto(string? Handle);
