namespace Chorus.Gemini;

public enum GeminiSensitivity
{
    Unspecified,
    High,
    Low,
}
