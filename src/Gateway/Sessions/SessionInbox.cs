using System.Threading.Channels;
using Chorus.Discord.Voice;
using Chorus.Gemini;

namespace Chorus.Gateway.Sessions;

/// <summary>
/// The one queue every event of a running session goes through: the voice connection's, the Gemini conversation's
/// (by way of the bridge), the grain's pushes, the limit timers. Writers never block (they run on receive loops and
/// timer threads); <see cref="RunningSession"/> is the single reader, so transitions never overlap.
/// </summary>
internal sealed class SessionInbox
{
    private readonly Channel<SessionEvent> _events = Channel.CreateUnbounded<SessionEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<SessionEvent> Reader => _events.Reader;

    /// <summary>False once the session ended: nothing more is acted on.</summary>
    public bool Post(SessionEvent sessionEvent) => _events.Writer.TryWrite(sessionEvent);

    public void OnVoiceStateChanged(VoiceConnectionState state) => Post(new SessionEvent.VoiceStateChanged(state));

    public void OnVoiceClosed(VoiceConnectionClosed closed) => Post(new SessionEvent.VoiceClosed(closed));

    public void OnGeminiFailed(GeminiLiveException error) => Post(new SessionEvent.GeminiFailed(error.Kind));

    public void OnGeminiConnectionChanged(bool connected) => Post(new SessionEvent.GeminiConnectionChanged(connected));

    public void Complete() => _events.Writer.TryComplete();
}
