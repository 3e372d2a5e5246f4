using System.Buffers.Binary;

namespace Chorus.Mls.Codec;

/// <summary>
/// Reads TLS presentation-language values with MLS variable-length vector headers (RFC 9420 §2.1.2).
/// Every read is bounds-checked and throws <see cref="MlsDecodeException"/>, never an index exception.
/// </summary>
public ref struct TlsReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>A reader positioned at the start of <paramref name="data"/>.</summary>
    public TlsReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left after <see cref="Position"/>.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when every byte has been consumed.</summary>
    public readonly bool IsEmpty => _position >= _data.Length;

    internal readonly ReadOnlySpan<byte> Consumed => _data[.._position];

    /// <summary>The bytes not consumed yet.</summary>
    public readonly ReadOnlySpan<byte> Rest => _data[_position..];

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw new MlsDecodeException($"Truncated input: need {count} bytes at offset {_position}, have {_data.Length - _position}.");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    internal byte ReadU8() => Take(1)[0];

    internal ushort ReadU16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    internal uint ReadU32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    internal ulong ReadU64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    internal ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    /// <summary>Reads an MLS varint; rejects the reserved 0b11 prefix and non-minimal encodings.</summary>
    public int ReadVarint()
    {
        var first = ReadU8();
        var prefix = first >> 6;
        uint value;
        switch (prefix)
        {
            case 0:
                return first & 0x3F;
            case 1:
                value = ((uint)(first & 0x3F) << 8) | ReadU8();
                if (value < 0x40)
                {
                    throw new MlsDecodeException("Non-minimal varint encoding.");
                }

                return (int)value;
            case 2:
                var rest = Take(3);
                value = ((uint)(first & 0x3F) << 24) | ((uint)rest[0] << 16) | ((uint)rest[1] << 8) | rest[2];
                if (value < 0x4000)
                {
                    throw new MlsDecodeException("Non-minimal varint encoding.");
                }

                return (int)value;
            default:
                throw new MlsDecodeException("Invalid varint prefix 0b11.");
        }
    }

    internal ReadOnlySpan<byte> ReadOpaque() => Take(ReadVarint());

    internal byte[] ReadOpaqueArray() => ReadOpaque().ToArray();

    /// <summary>Reads a varint-prefixed vector and returns a reader over exactly its body.</summary>
    public TlsReader ReadVector() => new(ReadOpaque());

    internal bool ReadOptionalPresent()
    {
        var flag = ReadU8();
        return flag switch
        {
            0 => false,
            1 => true,
            _ => throw new MlsDecodeException($"Invalid optional presence byte {flag}."),
        };
    }

    internal readonly void EnsureEnd()
    {
        if (_position != _data.Length)
        {
            throw new MlsDecodeException($"{_data.Length - _position} trailing bytes after value.");
        }
    }
}
