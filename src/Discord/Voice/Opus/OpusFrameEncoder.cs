using Concentus;
using Concentus.Enums;

namespace Chorus.Discord.Voice.Opus;

/// <summary>Encodes 20 ms of 24 kHz mono PCM16 (480 samples) into one Opus frame; Opus takes 24 kHz input directly.</summary>
internal sealed class OpusFrameEncoder
{
    private readonly IOpusEncoder _encoder;

    public OpusFrameEncoder(int bitrate = 64000)
    {
        _encoder = OpusCodecFactory.CreateEncoder(OpusFormat.SendSampleRate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        _encoder.Bitrate = bitrate;
        _encoder.Complexity = 5;
        _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
    }

    /// <summary>Returns the number of Opus bytes written.</summary>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        if (pcm.Length != OpusFormat.SendFrameSamples)
        {
            throw new ArgumentException($"A frame is {OpusFormat.SendFrameSamples} samples.", nameof(pcm));
        }

        return _encoder.Encode(pcm, OpusFormat.SendFrameSamples, destination, destination.Length);
    }

    public void Reset() => _encoder.ResetState();
}
