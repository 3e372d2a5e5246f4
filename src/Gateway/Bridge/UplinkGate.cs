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
    private readonly TimeProvider _time;
    private readonly ITimer _idle;
    private readonly object _gate = new();
    private bool _streaming;
    private int _silentFrames;
    private int _loudRun;
    private long _loudRunStartedAt;
    private long _lastSpeechReceivedAt;
    private bool _onsetRaised;
    private bool _disposed;
    private bool _lastStreamedWasSpeech;
    private long _lastStreamedAt;
    private long _stallsBridged;
    private long _stallsEnded;

    public UplinkGate(IUplinkSink sink, TimeProvider time)
    {
        _sink = sink;
        _time = time;
        _idle = time.CreateTimer(static s => ((UplinkGate)s!).OnIdle(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Frames at or above this RMS level count as speech.</summary>
    public double SpeechThresholdDbfs { get; init; } = -45;

    /// <summary>Quiet audio still sent after speech, so the server hears the pause.</summary>
    public TimeSpan SilenceTail { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// No frames at all for this long after a quiet frame ends the stream too: a Discord client closes each talk spurt
    /// with five silence frames and then sends nothing.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMilliseconds(120);

    /// <summary>
    /// No frames for this long right after a frame at speech level ends the stream. A client does not stop in mid-word:
    /// frames that stop while loud are held up (network jitter, a stalled host) and come in a burst, and ending the
    /// stream after <see cref="IdleTimeout"/> would tell the model the users stopped in the middle of a sentence (it
    /// takes the first half as a turn, then the rest as another, and answers only that). Google's guidance is to send
    /// <c>audioStreamEnd</c> once the microphone has been paused for more than a second.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(1);

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
    /// Streams whose frames stopped right after speech for longer than <see cref="IdleTimeout"/> and came back within
    /// <see cref="StallTimeout"/>: the words went on to the model as one turn.
    /// </summary>
    public long StallsBridged => Volatile.Read(ref _stallsBridged);

    /// <summary>Streams ended because frames stopped right after speech for <see cref="StallTimeout"/>.</summary>
    public long StallsEnded => Volatile.Read(ref _stallsEnded);

    /// <summary>
    /// Raised (under the gate's lock, keep it short) when frames that had stopped right after speech come back or time out:
    /// true when they came back within <see cref="StallTimeout"/> (the stream went on), false when it was ended; with how
    /// long they had stopped.
    /// </summary>
    public event Action<bool, TimeSpan>? Stalled;

    /// <summary>
    /// When the newest frame at speech level (<see cref="SpeechThresholdDbfs"/>) that went to the model came off the UDP
    /// socket: the user's last speech packet, where the turn latency starts. 0 before any.
    /// </summary>
    public long LastSpeechReceivedAt => Volatile.Read(ref _lastSpeechReceivedAt);

    /// <summary>
    /// Raised (on the caller's thread) when sustained speech starts, with the arrival timestamp of the
    /// run's first loud frame; used for local barge-in.
    /// </summary>
    public event Action<long>? SpeechOnset;

    public void OnMixedFrame(ReadOnlySpan<short> pcm, long receivedAt)
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
                _loudRunStartedAt = receivedAt;
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

            var now = _time.GetTimestamp();
            if (_streaming && _lastStreamedWasSpeech && _time.GetElapsedTime(_lastStreamedAt, now) is var held && held > IdleTimeout)
            {
                Interlocked.Increment(ref _stallsBridged);
                Stalled?.Invoke(true, held);
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
                Volatile.Write(ref _lastSpeechReceivedAt, receivedAt);
                Send(pcm, receivedAt);
            }
            else if (_streaming)
            {
                _silentFrames++;
                if (_silentFrames * 20 <= SilenceTail.TotalMilliseconds)
                {
                    Send(pcm, receivedAt);
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
                _lastStreamedWasSpeech = level >= SpeechThresholdDbfs;
                _lastStreamedAt = now;
                _idle.Change(_lastStreamedWasSpeech ? StallTimeout : IdleTimeout, Timeout.InfiniteTimeSpan);
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

    private void Send(ReadOnlySpan<short> pcm, long receivedAt)
    {
        FramesSent++;
        _sink.SendAudio(pcm, receivedAt);
    }

    private void OnIdle()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                if (_streaming && _lastStreamedWasSpeech)
                {
                    Interlocked.Increment(ref _stallsEnded);
                    Stalled?.Invoke(false, _time.GetElapsedTime(_lastStreamedAt));
                }

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
