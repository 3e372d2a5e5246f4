using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;

namespace Chorus.Discord.Voice.Send;

/// <summary>
/// What one send path did: the per-connection view of <see cref="DiscordMetrics"/>, each packet counted here and on the
/// exported instrument in one call. Readable from any thread.
/// </summary>
public sealed class VoiceSendCounters
{
    private readonly DiscordMetrics _metrics;

    internal VoiceSendCounters(DiscordMetrics metrics) => _metrics = metrics;

    internal long _framesSent, _silenceFramesSent, _encodeFailed, _frameEncryptFailed, _sendFailed, _talkSpurts, _cleared, _notReady;

    /// <summary>RTP packets sent (audio and trailing silence).</summary>
    public long FramesSent => Volatile.Read(ref _framesSent);
    internal long SilenceFramesSent => Volatile.Read(ref _silenceFramesSent);
    internal long EncodeFailed => Volatile.Read(ref _encodeFailed);
    internal long FrameEncryptFailed => Volatile.Read(ref _frameEncryptFailed);
    /// <summary>Packets whose UDP send failed.</summary>
    public long SendFailed => Volatile.Read(ref _sendFailed);
    internal long TalkSpurts => Volatile.Read(ref _talkSpurts);
    /// <summary>Times the playout buffer was cleared (barge-in).</summary>
    public long Cleared => Volatile.Read(ref _cleared);
    /// <summary>Frames skipped because the connection had no transport yet (resuming, rejoining).</summary>
    public long NotReady => Volatile.Read(ref _notReady);

    internal void Sent(ref long counter) => _metrics.PacketsSent.Count(ref counter);

    internal void Dropped(ref long counter, in KeyValuePair<string, object?> cause) =>
        _metrics.PacketsDropped.Count(ref counter, cause, DiscordMetrics.Transmit);
}
