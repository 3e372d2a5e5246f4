namespace Chorus.Gemini.Events;

/// <summary>Whose speech a transcription is of.</summary>
public enum GeminiTranscriptionSource
{
    /// <summary>The users' speech (<c>inputTranscription</c>).</summary>
    Input,
    /// <summary>The model's speech (<c>outputTranscription</c>).</summary>
    Output,
}
