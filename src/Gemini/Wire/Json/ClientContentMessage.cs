namespace Chorus.Gemini.Wire.Json;

internal sealed record ClientContentMessage(ClientContentDto ClientContent);

internal sealed record ClientContentDto(IReadOnlyList<ContentDto> Turns, bool TurnComplete);
