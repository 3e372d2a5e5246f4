namespace Chorus.Sandbox.Gemini;

/// <summary>A close the emulator performs on cue.</summary>
public sealed record GeminiCloseScript(int Code, string Reason);
