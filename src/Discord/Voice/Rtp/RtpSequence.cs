namespace Chorus.Discord.Voice.Rtp;

/// <summary>16-bit RTP sequence arithmetic that survives wrap-around.</summary>
internal static class RtpSequence
{
    /// <summary>Signed distance from <paramref name="from"/> to <paramref name="to"/> in [-32768, 32767].</summary>
    public static int Distance(ushort from, ushort to) => (short)(ushort)(to - from);
}
