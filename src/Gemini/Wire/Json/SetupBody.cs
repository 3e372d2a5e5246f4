namespace Chorus.Gemini.Wire.Json;

internal sealed record SetupBody
{
    public required string Model { get; init; }

    public required GenerationConfigDto GenerationConfig { get; init; }

    public ContentDto? SystemInstruction { get; init; }

    public IReadOnlyList<ToolDto>? Tools { get; init; }

    public RealtimeInputConfigDto? RealtimeInputConfig { get; init; }

    public EmptyDto? InputAudioTranscription { get; init; }

    public EmptyDto? OutputAudioTranscription { get; init; }

    public SessionResumptionDto? SessionResumption { get; init; }

    public ContextWindowCompressionDto? ContextWindowCompression { get; init; }

    public ProactivityDto? Proactivity { get; init; }
}
