namespace Chorus.Gemini.Events;

public enum GeminiTranscriptionSource
{
    Input,
    Output,
}
