namespace Chorus.Gateway.Bridge;

/// <summary>Where the gated uplink goes: the Gemini conversation.</summary>
public interface IUplinkSink
{
    /// <param name="pcm">16 kHz mono PCM16; valid only during the call.</param>
    /// <param name="receivedAt">When the earliest source frame's datagram came off the UDP socket, for latency figures.</param>
    void SendAudio(ReadOnlySpan<short> pcm, long receivedAt);

    /// <summary>Everyone went quiet: tell the model the stream paused (nothing is sent until speech resumes).</summary>
    void EndAudioStream();
}
