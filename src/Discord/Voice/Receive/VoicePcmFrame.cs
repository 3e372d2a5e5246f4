namespace Chorus.Discord.Voice.Receive;

/// <summary>
/// One decoded 20 ms frame of one user: 16 kHz mono PCM16. Only valid for the duration of the callback
/// (the samples live in a buffer that is reused for the next frame).
/// </summary>
public readonly ref struct VoicePcmFrame
{
    public VoicePcmFrame(ulong userId, uint ssrc, ushort sequence, uint timestamp, bool isConcealed, ReadOnlySpan<short> samples)
    {
        UserId = userId;
        Ssrc = ssrc;
        Sequence = sequence;
        Timestamp = timestamp;
        IsConcealed = isConcealed;
        Samples = samples;
    }

    public ulong UserId { get; }
    public uint Ssrc { get; }
    public ushort Sequence { get; }

    /// <summary>RTP timestamp (48 kHz clock) of the packet, or the expected one for a concealed frame.</summary>
    public uint Timestamp { get; }

    /// <summary>True when the frame was synthesised by packet loss concealment.</summary>
    public bool IsConcealed { get; }

    public ReadOnlySpan<short> Samples { get; }
}
