using System.Buffers.Binary;

namespace Chorus.Discord.Voice.Udp;

/// <summary>
/// The 8-byte keepalive datagram (u32 little-endian counter + 4 zero bytes) that keeps NAT bindings open;
/// servers ignore it. Receivers drop any datagram of 8 bytes or fewer.
/// </summary>
internal static class UdpKeepalive
{
    public const int Length = 8;
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public static void Write(Span<byte> destination, uint counter)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, counter);
        destination.Slice(4, 4).Clear();
    }
}
