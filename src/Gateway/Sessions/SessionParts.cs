using Chorus.Discord.Dave.Session;
using Chorus.Discord.Voice;
using Chorus.Gateway.Bridge;
using Chorus.Gemini;
using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Sessions;

/// <summary>A running session's voice connection, Gemini conversation and the bridge between them; closing it closes all.</summary>
internal sealed class SessionParts(
    StreamingBridge bridge, VoiceConnection voice, GeminiConversation gemini, DaveSession dave, TranscriptPoster? transcripts,
    SessionBridgeObserver observer, SessionInbox inbox) : ISessionParts
{
    private readonly Lock _lock = new();
    private SessionUsage _reported = SessionUsage.Zero;
    private bool _following;

    public StreamingBridge Bridge { get; } = bridge;

    public VoiceConnection Voice { get; } = voice;

    public GeminiConversation Gemini { get; } = gemini;

    /// <summary>Sends the voice connection's state changes and its end to the session's inbox, from now on.</summary>
    public void Follow()
    {
        Voice.StateChanged += inbox.OnVoiceStateChanged;
        Voice.Closed += inbox.OnVoiceClosed;
        _following = true;
        // A connection that gave up between its start and this subscription raised Closed to nobody.
        if (Voice.State == VoiceConnectionState.Closed)
        {
            inbox.OnVoiceClosed(new VoiceConnectionClosed(null, Discord.Voice.Gateway.VoiceCloseAction.GiveUp, "closed before the session started"));
        }
    }

    public SessionUsage TakeCounterDelta()
    {
        var now = Bridge.Usage.Totals;
        lock (_lock)
        {
            var delta = new SessionUsage(
                now.Turns - _reported.Turns, now.Interruptions - _reported.Interruptions, now.Reconnects - _reported.Reconnects,
                now.AudioSecondsIn - _reported.AudioSecondsIn, now.AudioSecondsOut - _reported.AudioSecondsOut,
                now.TokensIn - _reported.TokensIn, now.TokensOut - _reported.TokensOut,
                now.PromptAudioTokens - _reported.PromptAudioTokens, now.ResponseAudioTokens - _reported.ResponseAudioTokens,
                now.ThoughtsTokens - _reported.ThoughtsTokens);
            _reported = now;
            return delta;
        }
    }

    public LatencyFigures MeasureLatency(DateTimeOffset now)
    {
        var latency = Bridge.Latency;
        return new LatencyFigures(
            latency.Uplink.PercentileMs(0.5), latency.Uplink.PercentileMs(0.99),
            latency.Downlink.PercentileMs(0.5), latency.Downlink.PercentileMs(0.99),
            latency.ServerBargeIn.Count > 0 ? latency.ServerBargeIn.MaxMs : null,
            latency.Response.Count > 0 ? latency.Response.PercentileMs(0.5) : null,
            now);
    }

    public Task<GeminiHandoff> HandOffGeminiAsync() => Gemini.HandOffAsync();

    public async ValueTask DisposeAsync()
    {
        if (_following)
        {
            Voice.StateChanged -= inbox.OnVoiceStateChanged;
            Voice.Closed -= inbox.OnVoiceClosed;
        }

        await Bridge.DisposeAsync().ConfigureAwait(false);
        await Gemini.DisposeAsync().ConfigureAwait(false);
        await Voice.DisposeAsync().ConfigureAwait(false);
        if (transcripts is not null)
        {
            await transcripts.DisposeAsync().ConfigureAwait(false);
        }

        dave.Dispose();
        await observer.DrainAsync().ConfigureAwait(false);
    }
}
