namespace Chorus.Discord.Voice.Udp;

/// <summary>Where sealed RTP datagrams go (the voice UDP socket, or a test double).</summary>
internal interface IVoiceDatagramSink
{
    /// <summary>Sends one datagram; returns false when the socket refused it.</summary>
    bool Send(ReadOnlySpan<byte> datagram);
}
