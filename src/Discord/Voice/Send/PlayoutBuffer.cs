namespace Chorus.Discord.Voice.Send;

/// <summary>
/// 24 kHz mono PCM16 waiting to be sent. The bridge pushes as audio arrives (often faster than real time);
/// the pacing clock takes 20 ms at a time; <see cref="Clear"/> empties it at once for barge-in.
/// </summary>
public sealed class PlayoutBuffer
{
    private readonly Lock _gate = new();
    private readonly short[] _ring;
    private int _start;
    private int _count;
    private long _overflowed;

    public PlayoutBuffer(TimeSpan capacity)
    {
        _ring = new short[(int)(capacity.TotalSeconds * Opus.OpusFormat.SendSampleRate)];
    }

    public int Capacity => _ring.Length;

    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Samples that did not fit and were discarded.</summary>
    public long Overflowed => Volatile.Read(ref _overflowed);

    /// <summary>Appends samples; returns how many fit (the rest is dropped and counted).</summary>
    public int Push(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            int accepted = Math.Min(samples.Length, _ring.Length - _count);
            int end = (_start + _count) % _ring.Length;
            int first = Math.Min(accepted, _ring.Length - end);
            samples[..first].CopyTo(_ring.AsSpan(end));
            samples[first..accepted].CopyTo(_ring);
            _count += accepted;
            if (accepted < samples.Length)
                _overflowed += samples.Length - accepted;
            return accepted;
        }
    }

    /// <summary>Fills <paramref name="destination"/> from the buffer, zero-padding a short tail; returns samples taken.</summary>
    public int Take(Span<short> destination)
    {
        lock (_gate)
        {
            int taken = Math.Min(destination.Length, _count);
            int first = Math.Min(taken, _ring.Length - _start);
            _ring.AsSpan(_start, first).CopyTo(destination);
            _ring.AsSpan(0, taken - first).CopyTo(destination[first..]);
            destination[taken..].Clear();
            _start = (_start + taken) % _ring.Length;
            _count -= taken;
            return taken;
        }
    }

    /// <summary>Drops everything queued (barge-in); returns how many samples were dropped.</summary>
    public int Clear()
    {
        lock (_gate)
        {
            int dropped = _count;
            _start = 0;
            _count = 0;
            return dropped;
        }
    }
}
