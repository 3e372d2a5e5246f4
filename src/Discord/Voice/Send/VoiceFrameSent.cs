namespace Chorus.Discord.Voice.Send;

/// <summary>One frame that left the socket. Timestamps are <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
public readonly record struct VoiceFrameSent(
    ushort Sequence,
    uint RtpTimestamp,
    long ScheduledAt,
    long SentAt,
    bool IsSilence);
