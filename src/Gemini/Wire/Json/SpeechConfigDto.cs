namespace Chorus.Gemini.Wire.Json;

internal sealed record SpeechConfigDto(VoiceConfigDto? VoiceConfig, string? LanguageCode);

internal sealed record VoiceConfigDto(PrebuiltVoiceConfigDto PrebuiltVoiceConfig);

internal sealed record PrebuiltVoiceConfigDto(string VoiceName);
