namespace Chorus.Emulators.Gemini;

/// <summary>A close the emulator performs on cue.</summary>
public sealed record GeminiCloseScript(int Code, string Reason);
