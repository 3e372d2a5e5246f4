using System.Buffers.Binary;

namespace Chorus.Gemini.Tests;

/// <summary>Synthetic 16 kHz PCM16 "speech": loud, and each 20 ms chunk tagged with a sequence number.</summary>
internal static class Speech
{
    public const int ChunkBytes = 640;
    private const short Marker = 12345;

    /// <summary>A loud 20 ms chunk: sample 0 is a marker, sample 1 the sequence number, the rest a square wave.</summary>
    public static byte[] Chunk(int sequence)
    {
        var chunk = new byte[ChunkBytes];
        for (var i = 0; i < ChunkBytes / 2; i++)
        {
            var sample = i switch
            {
                0 => Marker,
                1 => (short)sequence,
                _ => (short)((i / 8) % 2 == 0 ? 6000 : -6000),
            };
            BinaryPrimitives.WriteInt16LittleEndian(chunk.AsSpan(i * 2), sample);
        }

        return chunk;
    }

    public static byte[] Silence() => new byte[ChunkBytes];

    /// <summary>Sequence numbers of the tagged chunks in <paramref name="pcm"/> (chunk-aligned), in order.</summary>
    public static List<int> Sequences(ReadOnlySpan<byte> pcm)
    {
        var found = new List<int>();
        for (var offset = 0; offset + ChunkBytes <= pcm.Length; offset += ChunkBytes)
        {
            if (BinaryPrimitives.ReadInt16LittleEndian(pcm[offset..]) == Marker)
            {
                found.Add(BinaryPrimitives.ReadInt16LittleEndian(pcm[(offset + 2)..]));
            }
        }

        return found;
    }
}
