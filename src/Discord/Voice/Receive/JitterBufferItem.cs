namespace Chorus.Discord.Voice.Receive;

public readonly record struct JitterBufferItem(bool IsLost, ushort Sequence, uint Timestamp, int Offset, int Length);
