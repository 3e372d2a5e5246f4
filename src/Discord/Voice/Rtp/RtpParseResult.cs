namespace Chorus.Discord.Voice.Rtp;

/// <summary>Outcome of parsing a received datagram as Discord's Opus RTP.</summary>
public enum RtpParseResult
{
    /// <summary>An RTP v2 packet of the Opus payload type.</summary>
    Ok,
    /// <summary>Shorter than an RTP header.</summary>
    TooShort,
    /// <summary>The version bits are not 2.</summary>
    NotVersion2,
    /// <summary>RTCP (types 200-204 show up as 72-76 once the marker bit is masked).</summary>
    Rtcp,
    /// <summary>RTP, but not the Opus payload type (120).</summary>
    WrongPayloadType,
}
