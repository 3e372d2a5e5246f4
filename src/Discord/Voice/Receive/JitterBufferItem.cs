namespace Chorus.Discord.Voice.Receive;

/// <param name="IsLost">A gap to conceal, not a packet.</param>
/// <param name="Sequence">The packet's RTP sequence number (the expected one for a gap).</param>
/// <param name="Timestamp">Its RTP timestamp (the expected one for a gap).</param>
/// <param name="Offset">Where its payload starts in the buffer's storage.</param>
/// <param name="Length">Its payload's length.</param>
/// <param name="ReceivedAt">When the packet's datagram came off the socket (0 for a gap).</param>
internal readonly record struct JitterBufferItem(bool IsLost, ushort Sequence, uint Timestamp, int Offset, int Length, long ReceivedAt);
