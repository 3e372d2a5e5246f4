namespace Chorus.Gateway.Bridge;

/// <summary>
/// Decides which mixed audio reaches Gemini. Gemini bills input audio by duration, so silence is not
/// streamed: after speech ends a short tail of real (quiet) audio goes out so the server's VAD sees the
/// pause, then <c>audioStreamEnd</c>, then nothing until someone speaks. Discord clients stop sending
/// packets when their user stops talking, so "no frames for a while" also counts as silence.
/// It also spots the start of speech for local barge-in: several consecutive loud frames, so a click
/// or background noise does not cut the bot off.
/// </summary>
public sealed class UplinkGate : IMixedAudioSink, IDisposable
{
    private readonly IUplinkSink _sink;
    private readonly ITimer _idle;
    private readonly object _gate = new();
    private bool _streaming;
    private int _silentFrames;
    private int _loudRun;
    private long _loudRunStartedAt;
    private bool _onsetRaised;
    private bool _disposed;

    public UplinkGate(IUplinkSink sink, TimeProvider time)
    {
        _sink = sink;
        _idle = time.CreateTimer(static s => ((UplinkGate)s!).OnIdle(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Frames at or above this RMS level count as speech.</summary>
    public double SpeechThresholdDbfs { get; init; } = -45;

    /// <summary>Quiet audio still sent after speech, so the server hears the pause.</summary>
    public TimeSpan SilenceTail { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>No frames at all for this long ends the stream too.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMilliseconds(120);

    /// <summary>Speech onset for barge-in: this many consecutive frames at or above <see cref="BargeInThresholdDbfs"/>.</summary>
    public int BargeInFrames { get; init; } = 3;

    public double BargeInThresholdDbfs { get; init; } = -35;

    /// <summary>Half-duplex: while true (the bot is talking), the uplink is muted.</summary>
    public bool Muted { get; set; }

    public long FramesSent { get; private set; }

    public long FramesWithheldAsSilence { get; private set; }

    public long FramesMuted { get; private set; }

    public long StreamEnds { get; private set; }

    /// <summary>
    /// Raised (on the caller's thread) when sustained speech starts, with the arrival timestamp of the
    /// run's first loud frame; used for local barge-in.
    /// </summary>
    public event Action<long>? SpeechOnset;

    public void OnMixedFrame(ReadOnlySpan<short> pcm, long oldestArrival)
    {
        Action<long>? onset = null;
        long onsetStartedAt = 0;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var level = AudioLevel.RmsDbfs(pcm);
            _loudRun = level >= BargeInThresholdDbfs ? _loudRun + 1 : 0;
            if (_loudRun == 1)
            {
                _loudRunStartedAt = oldestArrival;
            }

            if (_loudRun == 0)
            {
                _onsetRaised = false;
            }
            else if (_loudRun >= BargeInFrames && !_onsetRaised)
            {
                _onsetRaised = true;
                onset = SpeechOnset;
                onsetStartedAt = _loudRunStartedAt;
            }

            if (Muted)
            {
                FramesMuted++;
                EndStreamLocked();
            }
            else if (level >= SpeechThresholdDbfs)
            {
                _streaming = true;
                _silentFrames = 0;
                Send(pcm, oldestArrival);
            }
            else if (_streaming)
            {
                _silentFrames++;
                if (_silentFrames * 20 <= SilenceTail.TotalMilliseconds)
                {
                    Send(pcm, oldestArrival);
                }
                else
                {
                    FramesWithheldAsSilence++;
                    EndStreamLocked();
                }
            }
            else
            {
                FramesWithheldAsSilence++;
            }
            if (_streaming)
            {
                _idle.Change(IdleTimeout, Timeout.InfiniteTimeSpan);
            }
        }
        onset?.Invoke(onsetStartedAt);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _idle.Dispose();
        }
    }

    private void Send(ReadOnlySpan<short> pcm, long oldestArrival)
    {
        FramesSent++;
        _sink.SendAudio(pcm, oldestArrival);
    }

    private void OnIdle()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _loudRun = 0;
                _onsetRaised = false;
                EndStreamLocked();
            }
        }
    }

    private void EndStreamLocked()
    {
        if (!_streaming)
        {
            return;
        }

        _streaming = false;
        _silentFrames = 0;
        _idle.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        StreamEnds++;
        _sink.EndAudioStream();
    }
}
