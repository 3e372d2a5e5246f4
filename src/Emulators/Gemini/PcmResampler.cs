using System.Buffers.Binary;

namespace Chorus.Emulators.Gemini;

/// <summary>16 kHz to 24 kHz PCM16 by linear interpolation: good enough for an echo, not for music.</summary>
public static class PcmResampler
{
    public static byte[] Upsample16kTo24k(ReadOnlySpan<byte> pcm16k)
    {
        var inSamples = pcm16k.Length / 2;
        var outSamples = inSamples * 3 / 2;
        var output = new byte[outSamples * 2];
        for (var i = 0; i < outSamples; i++)
        {
            // Position in input samples: i * 2/3.
            var position = i * 2;
            var index = position / 3;
            var fraction = position % 3;
            var a = Sample(pcm16k, index, inSamples);
            var b = Sample(pcm16k, index + 1, inSamples);
            var value = a + ((b - a) * fraction / 3);
            BinaryPrimitives.WriteInt16LittleEndian(output.AsSpan(i * 2), (short)value);
        }

        return output;
    }

    private static int Sample(ReadOnlySpan<byte> pcm, int index, int count) =>
        BinaryPrimitives.ReadInt16LittleEndian(pcm[(Math.Min(index, count - 1) * 2)..]);
}
