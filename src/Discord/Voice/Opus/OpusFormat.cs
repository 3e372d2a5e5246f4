namespace Chorus.Discord.Voice.Opus;

/// <summary>The fixed audio formats at either end of the voice connection.</summary>
internal static class OpusFormat
{
    public const int FrameMilliseconds = 20;

    /// <summary>Discord's RTP clock (48 kHz): timestamp step per 20 ms frame.</summary>
    public const int RtpTimestampStep = 960;

    /// <summary>What the receive path emits: 16 kHz mono PCM16 (Gemini's input rate).</summary>
    public const int ReceiveSampleRate = 16000;
    public const int ReceiveFrameSamples = ReceiveSampleRate / 1000 * FrameMilliseconds;

    /// <summary>What the send path takes: 24 kHz mono PCM16 (Gemini's output rate).</summary>
    public const int SendSampleRate = 24000;
    public const int SendFrameSamples = SendSampleRate / 1000 * FrameMilliseconds;

    /// <summary>Largest Opus packet duration (120 ms) at the receive rate.</summary>
    public const int MaxReceiveSamplesPerPacket = ReceiveSampleRate / 1000 * 120;

    public const int MaxOpusPacketLength = 1275 * 3;
}
