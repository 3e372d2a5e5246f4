namespace Chorus.Discord.Voice.Receive;

/// <summary>
/// One decoded 20 ms frame of one user: 16 kHz mono PCM16. Only valid for the duration of the callback
/// (the samples live in a buffer that is reused for the next frame).
/// </summary>
public readonly ref struct VoicePcmFrame
{
    /// <summary>A frame over <paramref name="samples"/>, which the frame does not copy.</summary>
    /// <param name="userId">The speaking user.</param>
    /// <param name="ssrc">The RTP SSRC of the user's stream.</param>
    /// <param name="sequence">The RTP sequence number of the packet.</param>
    /// <param name="timestamp">The RTP timestamp (48 kHz clock).</param>
    /// <param name="isConcealed">True when packet loss concealment made the frame.</param>
    /// <param name="samples">320 samples: 20 ms of 16 kHz mono PCM16.</param>
    /// <param name="receivedAt">When the packet's datagram came off the UDP socket (see <see cref="ReceivedAt"/>).</param>
    public VoicePcmFrame(ulong userId, uint ssrc, ushort sequence, uint timestamp, bool isConcealed, ReadOnlySpan<short> samples, long receivedAt = 0)
    {
        UserId = userId;
        Ssrc = ssrc;
        Sequence = sequence;
        Timestamp = timestamp;
        IsConcealed = isConcealed;
        Samples = samples;
        ReceivedAt = receivedAt;
    }

    /// <summary>The speaking user.</summary>
    public ulong UserId { get; }
    /// <summary>The RTP SSRC of the user's stream.</summary>
    public uint Ssrc { get; }
    /// <summary>The RTP sequence number of the packet (the expected one for a concealed frame).</summary>
    public ushort Sequence { get; }

    /// <summary>RTP timestamp (48 kHz clock) of the packet, or the expected one for a concealed frame.</summary>
    public uint Timestamp { get; }

    /// <summary>True when the frame was synthesised by packet loss concealment.</summary>
    public bool IsConcealed { get; }

    /// <summary>20 ms of 16 kHz mono PCM16 (320 samples); valid only during the callback.</summary>
    public ReadOnlySpan<short> Samples { get; }

    /// <summary>
    /// When the packet's datagram came off the UDP socket, as a <see cref="TimeProvider.GetTimestamp"/> of the receiver's
    /// clock; for a concealed frame, the arrival of the packet that released it. The start of the uplink latency figure.
    /// 0 when unknown.
    /// </summary>
    public long ReceivedAt { get; }
}
