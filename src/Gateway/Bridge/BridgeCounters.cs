namespace Chorus.Gateway.Bridge;

/// <summary>What a bridge did, for /status, the grain's counters and the load harness.</summary>
public sealed class BridgeCounters
{
    internal long _framesToGemini;
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

    public long FramesToGemini => Interlocked.Read(ref _framesToGemini);
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
}
