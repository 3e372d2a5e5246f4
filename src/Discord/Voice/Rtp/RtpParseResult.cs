namespace Chorus.Discord.Voice.Rtp;

public enum RtpParseResult
{
    Ok,
    TooShort,
    NotVersion2,
    /// <summary>RTCP (types 200-204 show up as 72-76 once the marker bit is masked).</summary>
    Rtcp,
    WrongPayloadType,
}
