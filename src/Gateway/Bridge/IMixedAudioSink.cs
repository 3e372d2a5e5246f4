namespace Chorus.Gateway.Bridge;

/// <summary>Receives the uplink's mixed 16 kHz mono PCM, one 20 ms frame at a time.</summary>
public interface IMixedAudioSink
{
    /// <param name="pcm">320 samples (20 ms at 16 kHz); valid only during the call.</param>
    /// <param name="receivedAt">
    /// When the datagram of the earliest frame in this mix came off the UDP socket (timestamp of the caller's clock), for
    /// latency figures.
    /// </param>
    void OnMixedFrame(ReadOnlySpan<short> pcm, long receivedAt);
}
