namespace Chorus.Gemini.Wire.Json;

internal sealed record RealtimeInputConfigDto(AutomaticActivityDetectionDto AutomaticActivityDetection, string ActivityHandling, string TurnCoverage);

internal sealed record AutomaticActivityDetectionDto(
    bool Disabled,
    string? StartOfSpeechSensitivity,
    string? EndOfSpeechSensitivity,
    int? PrefixPaddingMs,
    int? SilenceDurationMs);
