using System.Buffers.Binary;

namespace Chorus.Discord.Voice.Rtp;

/// <summary>The parsed fixed part of an RTP packet as Discord uses it (RFC 3550, one-byte extensions of RFC 8285).</summary>
internal readonly record struct RtpHeader(
    bool HasPadding,
    bool HasExtension,
    bool Marker,
    byte PayloadType,
    ushort Sequence,
    uint Timestamp,
    uint Ssrc,
    int ClearLength,
    int ExtensionBodyLength)
{
    public const int FixedLength = 12;
    public const byte Version2FirstByte = 0x80;
    public const byte OpusPayloadType = 120;
    public const int ExtensionPreambleLength = 4;

    /// <summary>
    /// Parses the clear part of a datagram. Rejects anything that is not RTP v2 with payload type 120
    /// (RTCP shares the socket; the marker bit is masked off before the type check).
    /// </summary>
    public static RtpParseResult TryParse(ReadOnlySpan<byte> datagram, out RtpHeader header)
    {
        header = default;
        if (datagram.Length < FixedLength)
        {
            return RtpParseResult.TooShort;
        }

        var first = datagram[0];
        if (first >> 6 != 2)
        {
            return RtpParseResult.NotVersion2;
        }

        var second = datagram[1];
        var payloadType = second & 0x7F;
        if (payloadType != OpusPayloadType)
        {
            return payloadType is >= 72 and <= 76 ? RtpParseResult.Rtcp : RtpParseResult.WrongPayloadType;
        }

        var csrcCount = first & 0x0F;
        var clear = FixedLength + 4 * csrcCount;
        var hasExtension = (first & 0x10) != 0;
        var extensionBody = 0;
        if (hasExtension)
        {
            if (datagram.Length < clear + ExtensionPreambleLength)
            {
                return RtpParseResult.TooShort;
            }

            extensionBody = 4 * BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(clear + 2, 2));
            clear += ExtensionPreambleLength;
        }
        if (datagram.Length < clear)
        {
            return RtpParseResult.TooShort;
        }

        header = new RtpHeader(
            HasPadding: (first & 0x20) != 0,
            HasExtension: hasExtension,
            Marker: (second & 0x80) != 0,
            PayloadType: (byte)payloadType,
            Sequence: BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2, 2)),
            Timestamp: BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(4, 4)),
            Ssrc: BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(8, 4)),
            ClearLength: clear,
            ExtensionBodyLength: extensionBody);
        return RtpParseResult.Ok;
    }

    /// <summary>Writes the 12-byte header we send: V=2, no padding, no extension, no CSRC, PT 120.</summary>
    public static void WriteBasic(Span<byte> destination, ushort sequence, uint timestamp, uint ssrc)
    {
        destination[0] = Version2FirstByte;
        destination[1] = OpusPayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2, 2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4, 4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8, 4), ssrc);
    }
}
