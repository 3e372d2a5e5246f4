using System.Text.Json.Serialization;

namespace Chorus.Gemini.Wire.Json;

/// <summary>int64 fields travel as JSON strings (proto JSON mapping).</summary>
internal sealed record ContextWindowCompressionDto(
    [property: JsonNumberHandling(JsonNumberHandling.WriteAsString)] long? TriggerTokens,
    SlidingWindowDto SlidingWindow);

internal sealed record SlidingWindowDto([property: JsonNumberHandling(JsonNumberHandling.WriteAsString)] long? TargetTokens);
