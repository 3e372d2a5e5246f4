namespace Chorus.Gemini.Wire.Json;

internal sealed record GenerationConfigDto
{
    public required IReadOnlyList<string> ResponseModalities { get; init; }

    public SpeechConfigDto? SpeechConfig { get; init; }

    public double? Temperature { get; init; }

    public ThinkingConfigDto? ThinkingConfig { get; init; }

    public bool? EnableAffectiveDialog { get; init; }
}
