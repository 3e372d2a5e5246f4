namespace Chorus.Gateway.Bridge;

/// <summary>
/// Sums the decoded 20 ms frames of everyone speaking into one 16 kHz stream for Gemini.
/// Mixing is driven by arrivals, not by a clock: a frame leaves as soon as every active speaker has
/// contributed to its slot, so a lone speaker's audio passes straight through (no clock wait), and
/// several speakers wait at most <see cref="MaxSlotWait"/> for each other. When the sum would clip,
/// the whole frame is scaled down instead, which keeps the waveform's shape (no hard-clip distortion).
/// </summary>
public sealed class SpeakerMixer : IDisposable
{
    public const int FrameSamples = 320;

    private readonly IMixedAudioSink _sink;
    private readonly TimeProvider _time;
    private readonly Dictionary<ulong, Speaker> _speakers = [];
    private readonly int[] _sum = new int[FrameSamples];
    private readonly short[] _mixed = new short[FrameSamples];
    private readonly ITimer _deadline;
    private readonly object _gate = new();
    private long _slotOpenedAt;
    private bool _slotOpen;
    private bool _disposed;

    public SpeakerMixer(IMixedAudioSink sink, TimeProvider time)
    {
        _sink = sink;
        _time = time;
        _deadline = time.CreateTimer(static state => ((SpeakerMixer)state!).OnDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long a slot waits for the other active speakers before it leaves without them.</summary>
    public TimeSpan MaxSlotWait { get; init; } = TimeSpan.FromMilliseconds(15);

    /// <summary>A speaker who sent nothing for this long no longer holds up a slot.</summary>
    public TimeSpan ActiveWindow { get; init; } = TimeSpan.FromMilliseconds(100);

    public long FramesMixed { get; private set; }

    public long FramesScaledToAvoidClipping { get; private set; }

    public long FramesDroppedMalformed { get; private set; }

    /// <summary>Adds one decoded frame of one speaker; may emit a mixed frame before returning.</summary>
    public void AddFrame(ulong userId, ReadOnlySpan<short> pcm)
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            if (pcm.Length != FrameSamples)
            {
                FramesDroppedMalformed++;
                return;
            }
            var now = _time.GetTimestamp();
            if (!_speakers.TryGetValue(userId, out var speaker))
                _speakers[userId] = speaker = new Speaker();
            if (speaker.HasPending)
                FlushLocked();
            pcm.CopyTo(speaker.Pending);
            speaker.HasPending = true;
            speaker.ArrivedAt = now;
            speaker.LastSeen = now;
            if (!_slotOpen)
            {
                _slotOpen = true;
                _slotOpenedAt = now;
            }
            if (AllActiveContributedLocked(now))
                FlushLocked();
            else
                _deadline.Change(MaxSlotWait - _time.GetElapsedTime(_slotOpenedAt, now), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A speaker left the channel: never wait for them again.</summary>
    public void RemoveSpeaker(ulong userId)
    {
        lock (_gate)
        {
            if (!_speakers.TryGetValue(userId, out var speaker))
                return;
            if (speaker.HasPending)
                FlushLocked();
            _speakers.Remove(userId);
            if (_slotOpen && AllActiveContributedLocked(_time.GetTimestamp()))
                FlushLocked();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _deadline.Dispose();
        }
    }

    private void OnDeadline()
    {
        lock (_gate)
        {
            if (!_disposed && _slotOpen)
                FlushLocked();
        }
    }

    private bool AllActiveContributedLocked(long now)
    {
        foreach (var speaker in _speakers.Values)
        {
            if (!speaker.HasPending && _time.GetElapsedTime(speaker.LastSeen, now) < ActiveWindow)
                return false;
        }
        return true;
    }

    private void FlushLocked()
    {
        _deadline.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _slotOpen = false;
        var contributors = 0;
        long oldest = long.MaxValue;
        Speaker? only = null;
        foreach (var speaker in _speakers.Values)
        {
            if (!speaker.HasPending)
                continue;
            contributors++;
            only = speaker;
            oldest = Math.Min(oldest, speaker.ArrivedAt);
        }
        if (contributors == 0)
            return;

        if (contributors == 1)
        {
            only!.HasPending = false;
            FramesMixed++;
            _sink.OnMixedFrame(only.Pending, oldest);
            return;
        }

        Array.Clear(_sum);
        foreach (var speaker in _speakers.Values)
        {
            if (!speaker.HasPending)
                continue;
            var pending = speaker.Pending;
            for (var i = 0; i < FrameSamples; i++)
                _sum[i] += pending[i];
            speaker.HasPending = false;
        }
        var peak = 0;
        for (var i = 0; i < FrameSamples; i++)
            peak = Math.Max(peak, Math.Abs(_sum[i]));
        if (peak > short.MaxValue)
        {
            FramesScaledToAvoidClipping++;
            for (var i = 0; i < FrameSamples; i++)
                _mixed[i] = (short)((long)_sum[i] * short.MaxValue / peak);
        }
        else
        {
            for (var i = 0; i < FrameSamples; i++)
                _mixed[i] = (short)_sum[i];
        }
        FramesMixed++;
        _sink.OnMixedFrame(_mixed, oldest);
    }

    private sealed class Speaker
    {
        public readonly short[] Pending = new short[FrameSamples];
        public bool HasPending;
        public long ArrivedAt;
        public long LastSeen;
    }
}
