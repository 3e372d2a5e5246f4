using Chorus.Gemini;
using Chorus.Gemini.Events;

namespace Chorus.Gateway.Bridge;

/// <summary>What the bridge reports to whoever runs the session (the grain's owner). Called off the audio path.</summary>
public interface IStreamingBridgeObserver
{
    /// <summary>A resumable Gemini handle: store it so another process can resume the conversation.</summary>
    void OnResumptionHandle(string handle);

    /// <summary>Gemini gave up (bad key, bad model, retries exhausted): the session cannot go on.</summary>
    void OnConversationFailed(GeminiLiveException error);

    void OnTranscription(GeminiTranscriptionSource source, string text, bool finished);

    void OnTurnComplete();

    /// <summary>
    /// The Gemini connection dropped (false) or is back (true); the conversation heals by itself and buffers audio
    /// meanwhile, so this only reports it.
    /// </summary>
    void OnGeminiConnectionChanged(bool connected)
    {
    }
}
