using System.Buffers.Binary;

namespace Chorus.Mls.Codec;

/// <summary>Writes TLS presentation-language values with MLS varint vector headers into a growable buffer.</summary>
public sealed class TlsWriter
{
    private byte[] _buffer;
    private int _length;

    /// <summary>An empty writer.</summary>
    /// <param name="capacity">Initial buffer size in bytes; the buffer grows as needed.</param>
    public TlsWriter(int capacity = 256)
    {
        _buffer = new byte[Math.Max(16, capacity)];
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    internal ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Writes one byte (uint8).</summary>
    public void WriteU8(byte value) => Grow(1)[0] = value;

    internal void WriteU16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Grow(2), value);

    internal void WriteU32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grow(4), value);

    internal void WriteU64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Grow(8), value);

    internal void WriteBytes(ReadOnlySpan<byte> value) => value.CopyTo(Grow(value.Length));

    internal static int VarintSize(int value) => value switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(value)),
        < 0x40 => 1,
        < 0x4000 => 2,
        < 0x40000000 => 4,
        _ => throw new MlsException("Vector too long for an MLS varint."),
    };

    internal void WriteVarint(int value)
    {
        switch (VarintSize(value))
        {
            case 1:
                WriteU8((byte)value);
                break;
            case 2:
                WriteU16((ushort)(0x4000 | value));
                break;
            default:
                WriteU32(0x80000000u | (uint)value);
                break;
        }
    }

    /// <summary>Writes <c>opaque&lt;V&gt;</c>: an MLS varint length (RFC 9420 §2.1.2), then the bytes.</summary>
    public void WriteOpaque(ReadOnlySpan<byte> value)
    {
        WriteVarint(value.Length);
        WriteBytes(value);
    }

    internal void WriteOptionalPresent(bool present) => WriteU8(present ? (byte)1 : (byte)0);

    /// <summary>Writes a varint-prefixed vector whose body is produced by <paramref name="body"/>.</summary>
    public void WriteVector<TState>(TState state, Action<TlsWriter, TState> body)
    {
        var start = _length;
        body(this, state);
        var bodyLength = _length - start;
        var headerSize = VarintSize(bodyLength);
        Grow(headerSize);
        Array.Copy(_buffer, start, _buffer, start + headerSize, bodyLength);
        var header = _buffer.AsSpan(start, headerSize);
        switch (headerSize)
        {
            case 1:
                header[0] = (byte)bodyLength;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)(0x4000 | bodyLength));
                break;
            default:
                BinaryPrimitives.WriteUInt32BigEndian(header, 0x80000000u | (uint)bodyLength);
                break;
        }
    }

    internal void WriteVector<T>(IReadOnlyList<T> items, Action<TlsWriter, T> writeItem) =>
        WriteVector((items, writeItem), static (w, s) =>
        {
            foreach (var item in s.items)
            {
                s.writeItem(w, item);
            }
        });
}
