using System.Buffers;

namespace Chorus.Gemini;

/// <summary>
/// A bounded FIFO of audio chunks in pooled arrays, kept chunk by chunk so a replay never splits a chunk.
/// When over its byte limit the oldest chunks go first.
/// </summary>
internal sealed class AudioBacklog : IDisposable
{
    /// <summary>
    /// Arrays kept for reuse after their chunk left: 5 s of 20 ms chunks, the default unacknowledged limit, since an
    /// acknowledgment may drop that many at once.
    /// </summary>
    private const int MaxSpareArrays = 256;

    private readonly int _limitBytes;
    private Queue<(byte[] Array, int Length, long Timestamp)> _chunks = new();

    // The unacknowledged backlog holds seconds of chunks in every conversation, more arrays than the shared pool caches:
    // returned to it, they were dropped and every chunk of every conversation allocated afresh. A chunk in, a chunk out
    // reuses the same arrays here instead.
    private readonly Stack<byte[]> _spare = new();

    public AudioBacklog(int limitBytes) => _limitBytes = limitBytes;

    public int Bytes { get; private set; }

    public int Count => _chunks.Count;

    /// <returns>Bytes dropped from the old end to stay within the limit.</returns>
    public int Add(ReadOnlySpan<byte> chunk, long timestamp = 0)
    {
        var array = TakeArray(Math.Max(chunk.Length, 1));
        chunk.CopyTo(array);
        _chunks.Enqueue((array, chunk.Length, timestamp));
        Bytes += chunk.Length;
        var dropped = 0;
        while (Bytes > _limitBytes && _chunks.Count > 0)
        {
            var (old, length, _) = _chunks.Dequeue();
            Bytes -= length;
            dropped += length;
            Recycle(old);
        }

        return dropped;
    }

    /// <summary>The stamp <see cref="PrependFrom"/> gives chunks moved with <c>markReplayed</c>.</summary>
    public const long Replayed = long.MinValue;

    public bool TryPeek(out ReadOnlyMemory<byte> chunk) => TryPeek(out chunk, out _);

    public bool TryPeek(out ReadOnlyMemory<byte> chunk, out long timestamp)
    {
        if (_chunks.TryPeek(out var head))
        {
            chunk = head.Array.AsMemory(0, head.Length);
            timestamp = head.Timestamp;
            return true;
        }

        chunk = default;
        timestamp = 0;
        return false;
    }

    public void DropHead()
    {
        var (array, length, _) = _chunks.Dequeue();
        Bytes -= length;
        Recycle(array);
    }

    /// <summary>
    /// Moves the chunks of <paramref name="older"/> stamped at or after <paramref name="since"/> in front of this
    /// backlog's chunks; older ones are discarded. With <paramref name="markReplayed"/> the moved chunks are
    /// stamped <see cref="Replayed"/>.
    /// </summary>
    public void PrependFrom(AudioBacklog older, long since = long.MinValue, bool markReplayed = false)
    {
        if (older._chunks.Count == 0)
        {
            return;
        }

        var merged = new Queue<(byte[] Array, int Length, long Timestamp)>(older._chunks.Count + _chunks.Count);
        foreach (var chunk in older._chunks)
        {
            if (chunk.Timestamp >= since)
            {
                merged.Enqueue(markReplayed ? chunk with { Timestamp = Replayed } : chunk);
                Bytes += chunk.Length;
            }
            else
            {
                Recycle(chunk.Array);
            }
        }

        foreach (var chunk in _chunks)
        {
            merged.Enqueue(chunk);
        }

        older._chunks.Clear();
        older.Bytes = 0;
        _chunks = merged;
        while (Bytes > _limitBytes && _chunks.Count > 0)
        {
            DropHead();
        }
    }

    /// <summary>Drops chunks from the old end stamped before <paramref name="since"/>.</summary>
    public void DropBefore(long since)
    {
        while (_chunks.TryPeek(out var head) && head.Timestamp < since)
        {
            DropHead();
        }
    }

    public void Clear()
    {
        while (_chunks.Count > 0)
        {
            DropHead();
        }
    }

    public void Dispose()
    {
        Clear();
        while (_spare.TryPop(out var array))
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private byte[] TakeArray(int length)
    {
        while (_spare.TryPop(out var array))
        {
            if (array.Length >= length)
            {
                return array;
            }

            ArrayPool<byte>.Shared.Return(array);
        }

        return ArrayPool<byte>.Shared.Rent(length);
    }

    private void Recycle(byte[] array)
    {
        if (_spare.Count < MaxSpareArrays)
        {
            _spare.Push(array);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
