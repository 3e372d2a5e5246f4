namespace Chorus.Gemini;

/// <summary>Server-side voice activity detection settings (<c>realtimeInputConfig.automaticActivityDetection</c>).</summary>
internal sealed record GeminiActivityDetection
{
    public bool Disabled { get; init; }

    public GeminiSensitivity StartOfSpeechSensitivity { get; init; } = GeminiSensitivity.Unspecified;

    public GeminiSensitivity EndOfSpeechSensitivity { get; init; } = GeminiSensitivity.Unspecified;

    public int? PrefixPaddingMs { get; init; }

    public int? SilenceDurationMs { get; init; }
}
