using System.Buffers.Binary;

namespace Chorus.Fuzz;

/// <summary>
/// Generic binary mutations: bit flips, interesting bytes and big-endian 16/32-bit values (length and count fields),
/// MLS varint prefixes, truncation, deletion, duplication, insertion and splicing with another seed. Inputs never
/// grow past <see cref="MaxLength"/>, so a parser's allocation can be judged against its input.
/// </summary>
internal static class ByteMutator
{
    public const int MaxLength = 16 * 1024;

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x0B, 0x10, 0x3F, 0x40, 0x7F, 0x80, 0x81, 0xC0, 0xFA, 0xFE, 0xFF];
    private static readonly ushort[] InterestingShorts = [0, 1, 2, 0x3F, 0x40, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF];
    private static readonly uint[] InterestingInts = [0, 1, 0x7F, 0x80, 0xFFFF, 0x10000, 0x3FFF_FFFF, 0x4000_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF];

    /// <summary>One to four mutations of <paramref name="seed"/>.</summary>
    public static byte[] Mutate(Random random, byte[] seed, IReadOnlyList<byte[]> seeds)
    {
        var data = new List<byte>(seed);
        var count = 1 + random.Next(4);
        for (var i = 0; i < count; i++)
        {
            MutateOnce(random, data, seeds);
        }

        return [.. data.Take(MaxLength)];
    }

    private static void MutateOnce(Random random, List<byte> data, IReadOnlyList<byte[]> seeds)
    {
        var position = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (random.Next(12))
        {
            case 0 when data.Count > 0:
                data[position] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[position] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2 when data.Count > 1:
                WriteBigEndian(data, Math.Min(position, data.Count - 2), InterestingShorts[random.Next(InterestingShorts.Length)], 2);
                break;
            case 3 when data.Count > 3:
                WriteBigEndian(data, Math.Min(position, data.Count - 4), InterestingInts[random.Next(InterestingInts.Length)], 4);
                break;
            case 4:
                data.RemoveRange(position, data.Count - position);
                break;
            case 5 when data.Count > 0:
                data.RemoveRange(position, Math.Min(data.Count - position, 1 + random.Next(16)));
                break;
            case 6 when data.Count > 0:
                var length = Math.Min(data.Count - position, 1 + random.Next(64));
                data.InsertRange(random.Next(data.Count + 1), data.GetRange(position, length));
                break;
            case 7:
                var inserted = new byte[1 + random.Next(32)];
                random.NextBytes(inserted);
                data.InsertRange(position, inserted);
                break;
            case 8:
                // Splice: our head, another seed's tail (a valid structure behind a broken one).
                var other = seeds[random.Next(seeds.Count)];
                var from = other.Length == 0 ? 0 : random.Next(other.Length);
                data.RemoveRange(position, data.Count - position);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            case 9 when data.Count > 0:
                // An MLS varint prefix: 1, 2 or 4 bytes, or the reserved 0b11.
                data[position] = (byte)((random.Next(4) << 6) | random.Next(64));
                break;
            case 10 when data.Count > 0:
                for (var i = 0; i < 1 + random.Next(8) && position + i < data.Count; i++)
                {
                    data[position + i] = (byte)random.Next(256);
                }

                break;
            default:
                if (data.Count > 0)
                {
                    data[position] = (byte)random.Next(256);
                }

                break;
        }
    }

    private static void WriteBigEndian(List<byte> data, int position, uint value, int size)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        for (var i = 0; i < size; i++)
        {
            data[position + i] = bytes[4 - size + i];
        }
    }
}
