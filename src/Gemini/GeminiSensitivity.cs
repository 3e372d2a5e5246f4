namespace Chorus.Gemini;

internal enum GeminiSensitivity
{
    Unspecified,
    High,
    Low,
}
