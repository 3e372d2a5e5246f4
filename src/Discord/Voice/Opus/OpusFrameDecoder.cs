using Concentus;

namespace Chorus.Discord.Voice.Opus;

/// <summary>Decodes one sender's Opus stream straight to 16 kHz mono (the decoder downmixes and resamples internally).</summary>
internal sealed class OpusFrameDecoder
{
    private readonly IOpusDecoder _decoder = OpusCodecFactory.CreateDecoder(OpusFormat.ReceiveSampleRate, 1);

    /// <summary>Decodes a packet; returns samples written, or -1 for a packet the codec rejects.</summary>
    public int Decode(ReadOnlySpan<byte> opus, Span<short> pcm)
    {
        if (opus.IsEmpty)
        {
            return -1;
        }

        try
        {
            return _decoder.Decode(opus, pcm, Math.Min(pcm.Length, OpusFormat.MaxReceiveSamplesPerPacket));
        }
#pragma warning disable CA1031 // A hostile packet may trip any exception inside the codec; it must only cost that packet.
        catch (Exception)
#pragma warning restore CA1031
        {
            _decoder.ResetState();
            return -1;
        }
    }

    /// <summary>Packet loss concealment for one missing 20 ms frame.</summary>
    public int Conceal(Span<short> pcm)
    {
        try
        {
            return _decoder.Decode(ReadOnlySpan<byte>.Empty, pcm[..OpusFormat.ReceiveFrameSamples], OpusFormat.ReceiveFrameSamples);
        }
#pragma warning disable CA1031
        catch (Exception)
#pragma warning restore CA1031
        {
            _decoder.ResetState();
            return -1;
        }
    }
}
