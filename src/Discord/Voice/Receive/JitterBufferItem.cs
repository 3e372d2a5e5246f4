namespace Chorus.Discord.Voice.Receive;

internal readonly record struct JitterBufferItem(bool IsLost, ushort Sequence, uint Timestamp, int Offset, int Length);
