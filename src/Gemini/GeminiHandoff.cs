namespace Chorus.Gemini;

/// <summary>
/// What another process needs to carry a conversation on after this one closed it (a graceful handover): the newest
/// resumable handle, and the user audio the session holding that handle never heard.
/// </summary>
/// <param name="ResumptionHandle">The newest handle from a resumable update, or null when the session had none yet.</param>
/// <param name="UnheardAudio">
/// 16 kHz PCM16 mono sent (or buffered to send) after the handle was issued, oldest first, with the in-flight margin
/// before it (<see cref="GeminiLiveOptions.ResumeReplay"/>); at most <see cref="GeminiLiveOptions.UnacknowledgedAudioLimit"/>.
/// Sent first by the receiver (<see cref="GeminiConversation.StartAsync(GeminiHandoff, System.Threading.CancellationToken)"/>),
/// so the turn in flight at the cut, or the turn whose answer was being generated, is heard and answered.
/// </param>
/// <param name="StreamEnded">
/// <c>audioStreamEnd</c> followed the last of that audio: the users had stopped (Discord sends no packets while nobody
/// talks, so the server learns of the pause only from it). The receiver sends it after the audio again.
/// </param>
public sealed record GeminiHandoff(string? ResumptionHandle, byte[] UnheardAudio, bool StreamEnded = false)
{
    /// <summary>Nothing to carry on (the conversation had ended already).</summary>
    public static GeminiHandoff None { get; } = new(null, []);
}
