namespace Chorus.Discord.Dave;

/// <summary>Unsigned LEB128: 7 bits per byte, least significant group first, high bit = continuation.</summary>
internal static class Uleb128
{
    public static int Size(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    public static int Write(uint value, Span<byte> destination)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads a value that must fit in 32 bits; false on truncation, overflow or non-minimal trailing zero groups.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out uint value, out int consumed)
    {
        ulong result = 0;
        value = 0;
        consumed = 0;
        for (var i = 0; i < source.Length && i < 5; i++)
        {
            var b = source[i];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (result > uint.MaxValue || (i > 0 && b == 0))
                {
                    return false;
                }

                value = (uint)result;
                consumed = i + 1;
                return true;
            }
        }

        return false;
    }
}
