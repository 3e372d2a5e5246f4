namespace Chorus.Gemini.Wire.Json;

internal sealed record SetupMessage(SetupBody Setup);
