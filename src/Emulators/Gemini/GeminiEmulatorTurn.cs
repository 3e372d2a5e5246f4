namespace Chorus.Emulators.Gemini;

/// <summary>One user utterance and the reply to it. Times are from the emulator's clock.</summary>
public sealed class GeminiEmulatorTurn
{
    public required int ConnectionIndex { get; init; }

    public required string ConversationId { get; init; }

    public required int Number { get; init; }

    /// <summary>When the VAD decided the user stopped (or <c>audioStreamEnd</c> arrived).</summary>
    public required DateTimeOffset SpeechEndedAt { get; init; }

    /// <summary>
    /// When the last chunk of audio at speech level arrived before the turn: the end of the user's speech as it reached
    /// the model, before its end-of-speech silence ran out (null when the turn was not started by audio).
    /// </summary>
    public DateTimeOffset? LastSpeechReceivedAt { get; init; }

    public int UtteranceBytes { get; init; }

    /// <summary>
    /// The first answer of a conversation that started without context, where the model greets the users. A
    /// second greeting in one call means a fresh session forgot the conversation.
    /// </summary>
    public bool Greeting => Number == 1;

    public DateTimeOffset? FirstReplyAt { get; internal set; }

    public DateTimeOffset? CompletedAt { get; internal set; }

    public bool Interrupted { get; internal set; }
}
