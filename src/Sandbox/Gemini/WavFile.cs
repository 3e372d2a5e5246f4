using System.Buffers.Binary;

namespace Chorus.Sandbox.Gemini;

/// <summary>Reads the PCM16 mono payload of a RIFF/WAVE file.</summary>
public static class WavFile
{
    public static byte[] ReadPcm16Mono(ReadOnlySpan<byte> file, out int sampleRate)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }

        sampleRate = 0;
        var offset = 12;
        while (offset + 8 <= file.Length)
        {
            var id = file.Slice(offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(file.Slice(offset + 4, 4));
            var body = file.Slice(offset + 8, Math.Min(size, file.Length - offset - 8));
            if (id.SequenceEqual("fmt "u8))
            {
                var format = BinaryPrimitives.ReadUInt16LittleEndian(body);
                var channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
                if (format != 1 || channels != 1 || bits != 16)
                {
                    throw new InvalidDataException("Only PCM16 mono WAV is supported.");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (sampleRate == 0)
                {
                    throw new InvalidDataException("WAV data before fmt.");
                }

                return body.ToArray();
            }

            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException("WAV without a data chunk.");
    }
}
