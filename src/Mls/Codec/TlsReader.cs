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

    public TlsReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool IsEmpty => _position >= _data.Length;

    public readonly ReadOnlySpan<byte> Consumed => _data[.._position];

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

    public byte ReadU8() => Take(1)[0];

    public ushort ReadU16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadU32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong ReadU64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

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

    public ReadOnlySpan<byte> ReadOpaque() => Take(ReadVarint());

    public byte[] ReadOpaqueArray() => ReadOpaque().ToArray();

    /// <summary>Reads a varint-prefixed vector and returns a reader over exactly its body.</summary>
    public TlsReader ReadVector() => new(ReadOpaque());

    public bool ReadOptionalPresent()
    {
        var flag = ReadU8();
        return flag switch
        {
            0 => false,
            1 => true,
            _ => throw new MlsDecodeException($"Invalid optional presence byte {flag}."),
        };
    }

    public readonly void EnsureEnd()
    {
        if (_position != _data.Length)
        {
            throw new MlsDecodeException($"{_data.Length - _position} trailing bytes after value.");
        }
    }
}
