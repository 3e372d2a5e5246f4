using System.Buffers.Binary;
using System.Text;

namespace Chorus.Discord.Voice.Udp;

/// <summary>The 74-byte IP discovery datagram (type, length 70, SSRC, 64-byte NUL-terminated address, port).</summary>
internal static class IpDiscovery
{
    public const int Length = 74;
    public const ushort RequestType = 1;
    public const ushort ResponseType = 2;

    public static void WriteRequest(Span<byte> destination, uint ssrc)
    {
        destination[..Length].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(destination, RequestType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 70);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
    }

    public static void WriteResponse(Span<byte> destination, uint ssrc, string address, ushort port)
    {
        destination[..Length].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(destination, ResponseType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 70);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        Encoding.ASCII.GetBytes(address, destination.Slice(8, 63));
        BinaryPrimitives.WriteUInt16BigEndian(destination[72..], port);
    }

    public static bool IsRequest(ReadOnlySpan<byte> datagram, out uint ssrc)
    {
        ssrc = 0;
        if (datagram.Length != Length || BinaryPrimitives.ReadUInt16BigEndian(datagram) != RequestType)
        {
            return false;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]);
        return true;
    }

    public static bool TryParseResponse(ReadOnlySpan<byte> datagram, uint expectedSsrc, out string address, out ushort port)
    {
        address = "";
        port = 0;
        if (datagram.Length != Length || BinaryPrimitives.ReadUInt16BigEndian(datagram) != ResponseType
            || BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != expectedSsrc)
        {
            return false;
        }

        var field = datagram.Slice(8, 64);
        var nul = field.IndexOf((byte)0);
        if (nul <= 0)
        {
            return false;
        }

        foreach (var b in field[..nul])
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }
        address = Encoding.ASCII.GetString(field[..nul]);
        port = BinaryPrimitives.ReadUInt16BigEndian(datagram[72..]);
        return true;
    }
}
