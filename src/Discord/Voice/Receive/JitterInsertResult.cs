namespace Chorus.Discord.Voice.Receive;

internal enum JitterInsertResult
{
    Accepted,
    /// <summary>Accepted, but arrived after a packet with a higher sequence number.</summary>
    AcceptedOutOfOrder,
    Duplicate,
    /// <summary>Its turn has passed (already played or concealed).</summary>
    Late,
    /// <summary>Accepted after a jump too large to bridge: the buffer restarted at this packet.</summary>
    Restarted,
    TooLarge,
}
