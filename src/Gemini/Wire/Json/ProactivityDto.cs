namespace Chorus.Gemini.Wire.Json;

internal sealed record ProactivityDto(bool ProactiveAudio);
