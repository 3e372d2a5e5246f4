using System.Buffers.Binary;

using System.Runtime.InteropServices;

namespace Chorus.Emulators.Audio;

/// <summary>Minimal RIFF/WAVE PCM16 reader and writer for scripted users and the emulators' scripted replies.</summary>
public static class WavFile
{
    /// <summary>Reads PCM16; stereo is averaged down to mono.</summary>
    public static (short[] Samples, int SampleRate) ReadMono(string path)
    {
        var (samples, rate, _) = Read(File.ReadAllBytes(path));
        return (samples, rate);
    }

    /// <summary>The raw PCM16 little-endian payload of a mono file; anything else is rejected.</summary>
    public static byte[] ReadPcm16Mono(ReadOnlySpan<byte> file, out int sampleRate)
    {
        var (samples, rate, channels) = Read(file);
        if (channels != 1)
        {
            throw new InvalidDataException("Only PCM16 mono WAV is supported.");
        }

        sampleRate = rate;
        return MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
    }

    private static (short[] Samples, int SampleRate, int Channels) Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }

        int channels = 0, rate = 0, bits = 0;
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = bytes.Slice(offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(offset + 4, 4));
            var body = bytes.Slice(offset + 8, Math.Min(size, bytes.Length - offset - 8));
            if (id.SequenceEqual("fmt "u8))
            {
                if (BinaryPrimitives.ReadUInt16LittleEndian(body) != 1)
                {
                    throw new InvalidDataException("Only PCM WAV is supported.");
                }

                channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (bits != 16 || channels is < 1 or > 2)
                {
                    throw new InvalidDataException("Only 16-bit mono or stereo WAV is supported.");
                }

                var frames = body.Length / 2 / channels;
                var samples = new short[frames];
                for (var i = 0; i < frames; i++)
                {
                    var sum = 0;
                    for (var c = 0; c < channels; c++)
                    {
                        sum += BinaryPrimitives.ReadInt16LittleEndian(body[((i * channels + c) * 2)..]);
                    }

                    samples[i] = (short)(sum / channels);
                }
                return (samples, rate, channels);
            }
            offset += 8 + size + (size & 1);
        }
        throw new InvalidDataException("WAV file has no data chunk.");
    }

    public static void WriteMono(string path, ReadOnlySpan<short> samples, int sampleRate)
    {
        var bytes = new byte[44 + samples.Length * 2];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 36 + samples.Length * 2);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), sampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), samples.Length * 2);
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + i * 2), samples[i]);
        }

        File.WriteAllBytes(path, bytes);
    }
}
