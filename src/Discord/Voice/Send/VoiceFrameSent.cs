namespace Chorus.Discord.Voice.Send;

/// <summary>One frame that left the socket. Timestamps are ticks of the pacing clock's <see cref="TimeProvider"/> (<see cref="TimeProvider.GetTimestamp"/>).</summary>
/// <param name="Sequence"></param>
/// <param name="RtpTimestamp"></param>
/// <param name="ScheduledAt"></param>
/// <param name="SentAt"></param>
/// <param name="IsSilence"></param>
/// <param name="ClearsBefore">
/// How many <see cref="VoiceSender.Clear"/> calls had happened when this frame's audio left the playout buffer: a frame
/// already on its way when a clear came in has a lower number than <see cref="VoiceSender.Clears"/> after that clear.
/// </param>
public readonly record struct VoiceFrameSent(
    ushort Sequence,
    uint RtpTimestamp,
    long ScheduledAt,
    long SentAt,
    bool IsSilence,
    long ClearsBefore = 0);
