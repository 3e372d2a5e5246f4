namespace Chorus.Discord.Voice.Send;

/// <summary>
/// 24 kHz mono PCM16 waiting to be sent. The bridge pushes as audio arrives (often faster than real time);
/// the pacing clock takes 20 ms at a time; <see cref="Clear"/> empties it at once for barge-in.
/// The ring starts small and doubles when a reply runs further ahead than it holds, up to <see cref="Capacity"/>:
/// a conversation costs what its longest backlog needs, not a minute of audio up front.
/// </summary>
public sealed class PlayoutBuffer
{
    /// <summary>Two seconds at 24 kHz: what a reply usually runs ahead of playback.</summary>
    public const int InitialSamples = 2 * Opus.OpusFormat.SendSampleRate;

    private readonly Lock _gate = new();
    private readonly int _capacity;
    private short[] _ring;
    private int _start;
    private int _count;
    private long _overflowed;

    /// <summary>A buffer that holds up to <paramref name="capacity"/> of 24 kHz audio (at least one sample).</summary>
    public PlayoutBuffer(TimeSpan capacity)
    {
        _capacity = Math.Max(1, (int)(capacity.TotalSeconds * Opus.OpusFormat.SendSampleRate));
        _ring = new short[Math.Min(_capacity, InitialSamples)];
    }

    /// <summary>The most samples it will hold.</summary>
    public int Capacity => _capacity;

    /// <summary>Samples of ring allocated now (grows by doubling up to <see cref="Capacity"/>).</summary>
    public int Allocated
    {
        get
        {
            lock (_gate)
            {
                return _ring.Length;
            }
        }
    }

    /// <summary>Samples waiting to be sent.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Samples that did not fit and were discarded.</summary>
    public long Overflowed => Volatile.Read(ref _overflowed);

    /// <summary>Appends samples; returns how many fit (the rest is dropped and counted).</summary>
    public int Push(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            if (_count + samples.Length > _ring.Length && _ring.Length < _capacity)
            {
                Grow(_count + samples.Length);
            }

            var accepted = Math.Min(samples.Length, _ring.Length - _count);
            var end = (_start + _count) % _ring.Length;
            var first = Math.Min(accepted, _ring.Length - end);
            samples[..first].CopyTo(_ring.AsSpan(end));
            samples[first..accepted].CopyTo(_ring);
            _count += accepted;
            if (accepted < samples.Length)
            {
                _overflowed += samples.Length - accepted;
            }

            return accepted;
        }
    }

    /// <summary>Fills <paramref name="destination"/> from the buffer, zero-padding a short tail; returns samples taken.</summary>
    public int Take(Span<short> destination)
    {
        lock (_gate)
        {
            var taken = Math.Min(destination.Length, _count);
            var first = Math.Min(taken, _ring.Length - _start);
            _ring.AsSpan(_start, first).CopyTo(destination);
            _ring.AsSpan(0, taken - first).CopyTo(destination[first..]);
            destination[taken..].Clear();
            _start = (_start + taken) % _ring.Length;
            _count -= taken;
            return taken;
        }
    }

    private void Grow(int needed)
    {
        var size = _ring.Length;
        while (size < needed && size < _capacity)
        {
            size = (int)Math.Min((long)size * 2, _capacity);
        }

        var larger = new short[size];
        var first = Math.Min(_count, _ring.Length - _start);
        _ring.AsSpan(_start, first).CopyTo(larger);
        _ring.AsSpan(0, _count - first).CopyTo(larger.AsSpan(first));
        _ring = larger;
        _start = 0;
    }

    /// <summary>Drops everything queued (barge-in); returns how many samples were dropped.</summary>
    public int Clear()
    {
        lock (_gate)
        {
            var dropped = _count;
            _start = 0;
            _count = 0;
            return dropped;
        }
    }
}
