namespace Chorus.Gemini.Wire.Json;

internal sealed record ContentDto(string? Role, IReadOnlyList<PartDto> Parts);

internal sealed record PartDto(string Text);
