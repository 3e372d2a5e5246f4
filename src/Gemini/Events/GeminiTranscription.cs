namespace Chorus.Gemini.Events;

/// <summary>Incremental transcription text: of the users (input) or of the model's speech (output).</summary>
public sealed record GeminiTranscription(GeminiTranscriptionSource Source, string Text, bool Finished) : GeminiEvent;
