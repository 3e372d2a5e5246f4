namespace Chorus.Gemini.Wire.Json;

internal sealed record ContextUpdateMessage(ContextUpdateDto ContextUpdate);

internal sealed record ContextUpdateDto(ContentDto SystemInstruction);
