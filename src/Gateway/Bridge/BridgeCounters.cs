using Chorus.Diagnostics;
using Chorus.Gateway.Diagnostics;
namespace Chorus.Gateway.Bridge;

/// <summary>
/// What one bridge did, for /status, the grain's counters and the load harness: the per-session view of
/// <see cref="GatewayMetrics"/>, whose exported events (turns, interruptions, dropped frames) are counted here and on the
/// instrument in one call.
/// </summary>
public sealed class BridgeCounters
{
    private readonly GatewayMetrics _metrics;
    internal long _framesToGemini;
    internal long _framesBuffered;
    internal long _uplinkDropped;
    internal long _streamEnds;
    internal long _audioSamplesOut;
    internal long _modelAudioDropped;
    internal long _turns;
    internal long _interruptions;
    internal long _localBargeIns;
    internal long _reconnects;
    internal long _tokensIn;
    internal long _tokensOut;
    internal long _promptAudioTokens;
    internal long _responseAudioTokens;
    internal long _thoughtsTokens;
    internal long _replyFramesAfterInterrupt;
    internal long _stallsBridged;
    internal long _stallsEnded;
    internal long _uplinkStalls;
    internal long _modelSilences;

    public BridgeCounters(GatewayMetrics? metrics = null) => _metrics = metrics ?? GatewayMetrics.Default;

    /// <summary>Uplink frames handed to the conversation: written to the socket, or buffered (<see cref="FramesBuffered"/>).</summary>
    public long FramesToGemini => Interlocked.Read(ref _framesToGemini);

    /// <summary>
    /// Of <see cref="FramesToGemini"/>, those buffered while Gemini was unreachable and sent after the reconnect: counted
    /// here, never in <see cref="BridgeLatency.Uplink"/>.
    /// </summary>
    public long FramesBuffered => Interlocked.Read(ref _framesBuffered);
    public long UplinkDropped => Interlocked.Read(ref _uplinkDropped);
    public long StreamEnds => Interlocked.Read(ref _streamEnds);
    public double AudioSecondsIn => FramesToGemini * 0.020;
    public double AudioSecondsOut => Interlocked.Read(ref _audioSamplesOut) / 24000.0;
    public long ModelAudioDropped => Interlocked.Read(ref _modelAudioDropped);
    public long Turns => Interlocked.Read(ref _turns);
    public long Interruptions => Interlocked.Read(ref _interruptions);
    public long LocalBargeIns => Interlocked.Read(ref _localBargeIns);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long TokensIn => Interlocked.Read(ref _tokensIn);
    public long TokensOut => Interlocked.Read(ref _tokensOut);
    public long PromptAudioTokens => Interlocked.Read(ref _promptAudioTokens);
    public long ResponseAudioTokens => Interlocked.Read(ref _responseAudioTokens);
    public long ThoughtsTokens => Interlocked.Read(ref _thoughtsTokens);

    /// <summary>Reply frames that still left after an interruption cleared playback (should stay 0).</summary>
    public long ReplyFramesAfterInterrupt => Interlocked.Read(ref _replyFramesAfterInterrupt);

    /// <summary>Frames that stopped right after speech and came back within the gate's stall timeout (one turn kept).</summary>
    public long StallsBridged => Interlocked.Read(ref _stallsBridged);

    /// <summary>Streams ended because the frames stopped right after speech for the gate's stall timeout.</summary>
    public long StallsEnded => Interlocked.Read(ref _stallsEnded);

    /// <summary>Times the watchdog found the users' audio waiting for the model's socket (see <see cref="StreamingBridgeOptions.UplinkStallWarning"/>).</summary>
    public long UplinkStalls => Interlocked.Read(ref _uplinkStalls);

    /// <summary>Times the watchdog found the model silent after the users stopped (see <see cref="StreamingBridgeOptions.ModelSilenceWarning"/>).</summary>
    public long ModelSilences => Interlocked.Read(ref _modelSilences);

    internal void Stall(bool bridged)
    {
        if (bridged)
        {
            _metrics.UplinkStalls.Count(ref _stallsBridged, GatewayMetrics.StallBridged);
        }
        else
        {
            _metrics.UplinkStalls.Count(ref _stallsEnded, GatewayMetrics.StallEnded);
        }
    }

    internal void UplinkStall() => _metrics.ConversationStalls.Count(ref _uplinkStalls, GatewayMetrics.UplinkStalled);

    internal void ModelSilence() => _metrics.ConversationStalls.Count(ref _modelSilences, GatewayMetrics.ModelSilent);

    internal void Turn() => _metrics.Turns.Count(ref _turns);

    internal void Interruption() => _metrics.Interruptions.Count(ref _interruptions, GatewayMetrics.ServerInterruption);

    internal void Buffered() => _metrics.UplinkBuffered.Count(ref _framesBuffered);

    internal void LocalBargeIn() => _metrics.Interruptions.Count(ref _localBargeIns, GatewayMetrics.LocalBargeIn);

    /// <summary>Counts a dropped frame in <paramref name="counter"/> (one of this instance's fields) and on the instrument.</summary>
    internal void Dropped(ref long counter, in KeyValuePair<string, object?> cause) => _metrics.FramesDropped.Count(ref counter, cause);
}
