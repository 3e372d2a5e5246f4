namespace Chorus.Gemini.Events;

/// <summary>Incremental transcription text: of the users (input) or of the model's speech (output).</summary>
/// <param name="Source">Whose speech: the users' (input) or the model's (output).</param>
/// <param name="Text">The new text.</param>
/// <param name="Finished">True when the transcription of this turn is complete.</param>
public sealed record GeminiTranscription(GeminiTranscriptionSource Source, string Text, bool Finished) : GeminiEvent;
