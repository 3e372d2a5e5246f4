namespace Chorus.Gemini.Events;

/// <summary>A text part of the model's turn (thought parts are skipped).</summary>
internal sealed record GeminiModelText(string Text) : GeminiEvent;
