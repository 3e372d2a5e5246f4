using System.Buffers;

namespace Chorus.Gateway.Bridge;

/// <summary>
/// The uplink queue's frame buffers, reused within one bridge. The shared array pool caches only a few dozen arrays
/// per core, and a hundred conversations' queues (filled on the receive threads, drained on the uplink loops) hold
/// more than that at a busy moment: what it cannot keep it drops, so frames allocated afresh. Here a frame's buffer
/// comes back to the bridge that sent it, so a running conversation allocates none.
/// </summary>
internal sealed class UplinkBufferPool : IDisposable
{
    /// <summary>Buffers kept for reuse: more than the uplink queue holds at once is never needed.</summary>
    private const int MaxSpare = 64;

    private readonly Lock _gate = new();
    private readonly Stack<byte[]> _spare = new();
    private bool _disposed;

    public byte[] Rent(int length)
    {
        lock (_gate)
        {
            while (_spare.TryPop(out var buffer))
            {
                if (buffer.Length >= length)
                {
                    return buffer;
                }

                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return ArrayPool<byte>.Shared.Rent(length);
    }

    public void Return(byte[] buffer)
    {
        lock (_gate)
        {
            if (!_disposed && _spare.Count < MaxSpare)
            {
                _spare.Push(buffer);
                return;
            }
        }

        ArrayPool<byte>.Shared.Return(buffer);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_spare.TryPop(out var buffer))
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
