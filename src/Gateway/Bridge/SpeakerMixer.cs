using Chorus.Gateway.Diagnostics;
namespace Chorus.Gateway.Bridge;

/// <summary>
/// Sums the decoded 20 ms frames of everyone speaking into one 16 kHz stream for Gemini.
/// Mixing is driven by arrivals, not by a clock: a mixed frame leaves as soon as every active speaker has
/// a frame queued, so a lone speaker's audio passes straight through and several speakers wait at most
/// <see cref="MaxSlotWait"/> for each other. Each speaker has a short queue, so a burst of packets from
/// one of them lines up with the others' frames instead of opening gaps in their audio. When the sum
/// would clip, the whole frame is scaled down instead, which keeps the waveform's shape.
/// </summary>
public sealed class SpeakerMixer : IDisposable
{
    public const int FrameSamples = 320;

    /// <summary>Frames one speaker may have queued (100 ms); beyond that a slot leaves without the laggards.</summary>
    public const int QueueFrames = 5;

    private readonly IMixedAudioSink _sink;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly Dictionary<ulong, Speaker> _speakers = [];
    private readonly int[] _sum = new int[FrameSamples];
    private readonly short[] _mixed = new short[FrameSamples];
    private readonly ITimer _deadline;
    private readonly Lock _gate = new();
    private bool _disposed;
    private bool _deadlineArmed;

    /// <param name="sink">Where mixed frames go.</param>
    /// <param name="time">The clock of arrivals and slot deadlines.</param>
    /// <param name="metrics">Where the speakers being mixed are counted (chorus.speakers.active); the shared set when null.</param>
    public SpeakerMixer(IMixedAudioSink sink, TimeProvider time, GatewayMetrics? metrics = null)
    {
        _sink = sink;
        _time = time;
        _metrics = metrics ?? GatewayMetrics.Default;
        _deadline = time.CreateTimer(static state => ((SpeakerMixer)state!).OnDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long a queued frame waits for the other active speakers before it leaves without them.</summary>
    public TimeSpan MaxSlotWait { get; init; } = TimeSpan.FromMilliseconds(15);

    /// <summary>A speaker who sent nothing for this long no longer holds up a slot.</summary>
    public TimeSpan ActiveWindow { get; init; } = TimeSpan.FromMilliseconds(100);

    public long FramesMixed { get; private set; }

    public long FramesScaledToAvoidClipping { get; private set; }

    public long FramesDroppedMalformed { get; private set; }

    /// <summary>Slots that left before every active speaker had a frame (a speaker lagged past <see cref="MaxSlotWait"/>).</summary>
    public long SlotsWithoutLaggards { get; private set; }

    /// <summary>Adds one decoded frame of one speaker; may emit mixed frames before returning.</summary>
    /// <param name="userId">The speaker.</param>
    /// <param name="pcm">20 ms of 16 kHz mono PCM16.</param>
    /// <param name="receivedAt">
    /// When the frame's datagram came off the UDP socket (a timestamp of this mixer's clock), carried to the sink for the
    /// uplink latency; 0: unknown, its arrival here stands in.
    /// </param>
    public void AddFrame(ulong userId, ReadOnlySpan<short> pcm, long receivedAt = 0)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (pcm.Length != FrameSamples)
            {
                FramesDroppedMalformed++;
                return;
            }
            var now = _time.GetTimestamp();
            if (!_speakers.TryGetValue(userId, out var speaker))
            {
                _speakers[userId] = speaker = new Speaker();
                _metrics.SpeakersActive.Add(1);
            }

            if (speaker.Count == QueueFrames)
            {
                EmitSlotLocked(complete: false);
            }

            speaker.Enqueue(pcm, now, receivedAt > 0 ? receivedAt : now);
            speaker.LastSeen = now;
            DrainLocked(now);
        }
    }

    /// <summary>A speaker left the channel: never wait for them again.</summary>
    public void RemoveSpeaker(ulong userId)
    {
        lock (_gate)
        {
            if (!_speakers.TryGetValue(userId, out var speaker))
            {
                return;
            }

            while (speaker.Count > 0)
            {
                EmitSlotLocked(complete: false);
            }

            _speakers.Remove(userId);
            _metrics.SpeakersActive.Add(-1);
            DrainLocked(_time.GetTimestamp());
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            // Cleared so that a RemoveSpeaker after this counts no speaker twice.
            _metrics.SpeakersActive.Add(-_speakers.Count);
            _speakers.Clear();

            _disposed = true;
            _deadline.Dispose();
        }
    }

    private void OnDeadline()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _deadlineArmed = false;
            var now = _time.GetTimestamp();
            if (OldestQueuedLocked() is { } oldest && _time.GetElapsedTime(oldest, now) >= MaxSlotWait)
            {
                EmitSlotLocked(complete: false);
            }

            DrainLocked(now);
        }
    }

    /// <summary>Emits every slot that is complete, then arms the deadline for whatever is still queued.</summary>
    private void DrainLocked(long now)
    {
        while (AllActiveHaveFramesLocked(now))
        {
            EmitSlotLocked(complete: true);
        }

        if (OldestQueuedLocked() is { } oldest)
        {
            var due = MaxSlotWait - _time.GetElapsedTime(oldest, now);
            _deadline.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            _deadlineArmed = true;
        }
        else if (_deadlineArmed)
        {
            // A lone speaker's frame leaves at once, so nothing stays queued: disarming only when armed saves the
            // timer queue a change per frame.
            _deadline.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _deadlineArmed = false;
        }
    }

    private bool AllActiveHaveFramesLocked(long now)
    {
        var any = false;
        foreach (var speaker in _speakers.Values)
        {
            if (speaker.Count > 0)
            {
                any = true;
            }
            else if (_time.GetElapsedTime(speaker.LastSeen, now) < ActiveWindow)
            {
                return false;
            }
        }
        return any;
    }

    private long? OldestQueuedLocked()
    {
        long? oldest = null;
        foreach (var speaker in _speakers.Values)
        {
            if (speaker.Count > 0 && (oldest is null || speaker.HeadArrival < oldest))
            {
                oldest = speaker.HeadArrival;
            }
        }
        return oldest;
    }

    /// <summary>
    /// Takes the oldest queued frame of every speaker that has one and emits their sum, stamped with the earliest
    /// receive time of its inputs: the mix carries the audio that waited longest (for the other speakers, or in the
    /// jitter buffer), and the uplink figure is meant to show that wait, not hide it behind the freshest input.
    /// </summary>
    private void EmitSlotLocked(bool complete)
    {
        var contributors = 0;
        var earliestReceived = long.MaxValue;
        Speaker? only = null;
        foreach (var speaker in _speakers.Values)
        {
            if (speaker.Count == 0)
            {
                continue;
            }

            contributors++;
            only = speaker;
            earliestReceived = Math.Min(earliestReceived, speaker.HeadReceived);
        }
        if (contributors == 0)
        {
            return;
        }

        if (!complete)
        {
            SlotsWithoutLaggards++;
        }

        FramesMixed++;

        if (contributors == 1)
        {
            _sink.OnMixedFrame(only!.Head, earliestReceived);
            only.Dequeue();
            return;
        }

        Array.Clear(_sum);
        foreach (var speaker in _speakers.Values)
        {
            if (speaker.Count == 0)
            {
                continue;
            }

            var frame = speaker.Head;
            for (var i = 0; i < FrameSamples; i++)
            {
                _sum[i] += frame[i];
            }

            speaker.Dequeue();
        }
        var peak = 0;
        for (var i = 0; i < FrameSamples; i++)
        {
            peak = Math.Max(peak, Math.Abs(_sum[i]));
        }

        if (peak > short.MaxValue)
        {
            FramesScaledToAvoidClipping++;
            for (var i = 0; i < FrameSamples; i++)
            {
                _mixed[i] = (short)((long)_sum[i] * short.MaxValue / peak);
            }
        }
        else
        {
            for (var i = 0; i < FrameSamples; i++)
            {
                _mixed[i] = (short)_sum[i];
            }
        }
        _sink.OnMixedFrame(_mixed, earliestReceived);
    }

    /// <summary>One speaker's queued frames: a fixed ring, allocated once per speaker.</summary>
    private sealed class Speaker
    {
        private readonly short[][] _frames = Enumerable.Range(0, QueueFrames).Select(_ => new short[FrameSamples]).ToArray();
        private readonly long[] _arrivals = new long[QueueFrames];
        private readonly long[] _received = new long[QueueFrames];
        private int _head;

        public int Count { get; private set; }

        public long LastSeen { get; set; }

        public short[] Head => _frames[_head];

        /// <summary>When the head frame reached the mixer: its slot's deadline counts from here.</summary>
        public long HeadArrival => _arrivals[_head];

        /// <summary>When the head frame's datagram came off the socket: the latency figure counts from here.</summary>
        public long HeadReceived => _received[_head];

        public void Enqueue(ReadOnlySpan<short> pcm, long arrival, long received)
        {
            var slot = (_head + Count) % QueueFrames;
            pcm.CopyTo(_frames[slot]);
            _arrivals[slot] = arrival;
            _received[slot] = received;
            Count++;
        }

        public void Dequeue()
        {
            _head = (_head + 1) % QueueFrames;
            Count--;
        }
    }
}
