namespace Chorus.Emulators.Gemini;

public enum GeminiReplyMode
{
    /// <summary>Answers with the user's own speech, resampled to 24 kHz.</summary>
    Echo,
    /// <summary>Answers with <see cref="GeminiEmulatorOptions.FixedReplyPcm24k"/>.</summary>
    Fixed,
    /// <summary>Never answers (for tests that only look at what was received).</summary>
    Silent,
}
