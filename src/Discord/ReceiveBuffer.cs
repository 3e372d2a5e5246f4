using System.Buffers;

namespace Chorus.Discord;

/// <summary>A pooled WebSocket receive buffer that grows up to a cap: the Discord gateway's and the voice gateway's.</summary>
internal static class ReceiveBuffer
{
    /// <summary>
    /// Makes room in a full buffer by doubling it, keeping its first <paramref name="length"/> bytes, up to
    /// <paramref name="maxBytes"/>. False when it is at the cap already: the message is too large and the caller drops it
    /// rather than let a hostile server grow our memory without bound.
    /// </summary>
    public static bool TryGrow(ref byte[] buffer, int length, int maxBytes)
    {
        if (buffer.Length >= maxBytes)
        {
            return false;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
        return true;
    }
}
