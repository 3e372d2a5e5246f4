using Chorus.Discord.Voice.Rtp;

namespace Chorus.Discord.Voice.Receive;

/// <summary>
/// Reorders one sender's packets by RTP sequence. A packet is released as soon as it is next in line; a gap is
/// declared lost (to be concealed) once <see cref="ReorderDepth"/> later packets are waiting behind it.
/// All storage is allocated up front.
/// </summary>
internal sealed class JitterBuffer
{
    public const int Capacity = 32;
    public const int MaxPayloadLength = 1500;

    private readonly byte[] _storage = new byte[Capacity * MaxPayloadLength];
    private readonly int[] _lengths = new int[Capacity];
    private readonly uint[] _timestamps = new uint[Capacity];
    private readonly ushort[] _sequences = new ushort[Capacity];
    private readonly long[] _receivedAt = new long[Capacity];
    private readonly bool[] _present = new bool[Capacity];
    private bool _started;
    private ushort _next;
    private ushort _highest;
    private uint _lastTimestamp;
    private int _count;

    public JitterBuffer(int reorderDepth = 3, int maxConcealedFrames = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reorderDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reorderDepth, Capacity - 1);
        ReorderDepth = reorderDepth;
        MaxConcealedFrames = maxConcealedFrames;
    }

    public int ReorderDepth { get; }

    /// <summary>Longer gaps are skipped without concealment (the sender was silent or the loss is hopeless).</summary>
    public int MaxConcealedFrames { get; }

    public int Count => _count;

    /// <param name="sequence">The packet's RTP sequence number.</param>
    /// <param name="timestamp">Its RTP timestamp.</param>
    /// <param name="payload">Its (decrypted) Opus frame.</param>
    /// <param name="receivedAt">When its datagram came off the socket; handed back with the item.</param>
    public JitterInsertResult Insert(ushort sequence, uint timestamp, ReadOnlySpan<byte> payload, long receivedAt = 0)
    {
        if (payload.Length > MaxPayloadLength)
        {
            return JitterInsertResult.TooLarge;
        }

        var result = JitterInsertResult.Accepted;
        if (!_started)
        {
            _started = true;
            _next = sequence;
            _highest = sequence;
        }
        var distance = RtpSequence.Distance(_next, sequence);
        if (distance < 0)
        {
            return JitterInsertResult.Late;
        }

        if (distance >= Capacity)
        {
            Array.Clear(_present);
            _count = 0;
            _next = sequence;
            _highest = sequence;
            distance = 0;
            result = JitterInsertResult.Restarted;
        }
        var slot = sequence % Capacity;
        if (_present[slot])
        {
            return JitterInsertResult.Duplicate;
        }

        if (result == JitterInsertResult.Accepted && RtpSequence.Distance(_highest, sequence) < 0)
        {
            result = JitterInsertResult.AcceptedOutOfOrder;
        }
        else if (RtpSequence.Distance(_highest, sequence) > 0)
        {
            _highest = sequence;
        }

        payload.CopyTo(_storage.AsSpan(slot * MaxPayloadLength, MaxPayloadLength));
        _lengths[slot] = payload.Length;
        _timestamps[slot] = timestamp;
        _sequences[slot] = sequence;
        _receivedAt[slot] = receivedAt;
        _present[slot] = true;
        _count++;
        return result;
    }

    /// <summary>
    /// Takes the next item in sequence order: a packet (payload valid until the next call), or a lost frame to
    /// conceal. Returns false when nothing may be released yet.
    /// </summary>
    public bool TryTake(out JitterBufferItem item)
    {
        item = default;
        while (_started && _count > 0)
        {
            var slot = _next % Capacity;
            if (_present[slot])
            {
                _present[slot] = false;
                _count--;
                _lastTimestamp = _timestamps[slot];
                item = new JitterBufferItem(false, _sequences[slot], _timestamps[slot], slot * MaxPayloadLength, _lengths[slot], _receivedAt[slot]);
                _next++;
                return true;
            }
            if (RtpSequence.Distance(_next, _highest) < ReorderDepth)
            {
                return false;
            }

            var gap = DistanceToEarliestPresent();
            if (gap > MaxConcealedFrames)
            {
                // Too long to conceal: jump to the next real packet.
                _next = (ushort)(_next + gap);
                continue;
            }
            _lastTimestamp += Opus.OpusFormat.RtpTimestampStep;
            item = new JitterBufferItem(true, _next, _lastTimestamp, 0, 0, 0);
            _next++;
            return true;
        }
        return false;
    }

    public ReadOnlySpan<byte> PayloadOf(in JitterBufferItem item) => _storage.AsSpan(item.Offset, item.Length);

    public void Reset()
    {
        Array.Clear(_present);
        _count = 0;
        _started = false;
    }

    private int DistanceToEarliestPresent()
    {
        for (var d = 1; d < Capacity; d++)
        {
            if (_present[(ushort)(_next + d) % Capacity])
            {
                return d;
            }
        }
        return Capacity;
    }
}
