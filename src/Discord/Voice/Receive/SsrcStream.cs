using Chorus.Discord.Voice.Opus;

namespace Chorus.Discord.Voice.Receive;

/// <summary>One sender's stream: its jitter buffer, its Opus decoder and its PCM buffer.</summary>
internal sealed class SsrcStream(uint ssrc, ulong userId, int reorderDepth, int maxConcealedFrames)
{
    public uint Ssrc { get; } = ssrc;
    public ulong UserId { get; } = userId;
    public JitterBuffer Jitter { get; } = new(reorderDepth, maxConcealedFrames);
    public OpusFrameDecoder Decoder { get; } = new();
    public short[] Pcm { get; } = new short[OpusFormat.MaxReceiveSamplesPerPacket];
}
