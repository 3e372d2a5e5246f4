using Chorus.Diagnostics;
using Chorus.Gemini.Diagnostics;
namespace Chorus.Gemini;

/// <summary>
/// What one conversation did across its transports: the per-conversation view of <see cref="GeminiMetrics"/>, whose
/// exported events (reconnects, handovers and their gaps, audio dropped) are counted here and on the instrument in one
/// call. Safe to read from any thread.
/// </summary>
public sealed class GeminiConversationCounters
{
    private readonly GeminiMetrics _metrics;
    private readonly List<TimeSpan> _handoverGaps = [];
    private long _connectAttempts;
    private long _retries;
    private long _connectionsLost;
    private long _reconnects;
    private long _switchOvers;
    private long _freshSessions;
    private long _resumesRefused;
    private long _seededSessions;
    private long _modelFallbacks;
    private long _audioChunksSent;
    private long _audioBytesBuffered;
    private long _audioBytesDropped;
    private long _retiredMalformed;
    private long _audioBytesReplayed;

    internal GeminiConversationCounters(GeminiMetrics metrics) => _metrics = metrics;

    /// <summary>WebSocket connections tried, successful or not.</summary>
    public long ConnectAttempts => Interlocked.Read(ref _connectAttempts);

    internal long Retries => Interlocked.Read(ref _retries);

    /// <summary>Transports that ended without our asking (not a goAway handover).</summary>
    public long ConnectionsLost => Interlocked.Read(ref _connectionsLost);

    /// <summary>Transports replaced after a loss.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Transports replaced ahead of a <c>goAway</c>.</summary>
    public long SwitchOvers => Interlocked.Read(ref _switchOvers);

    /// <summary>Sessions started without a handle after the first (persona change, refused resume).</summary>
    public long FreshSessions => Interlocked.Read(ref _freshSessions);

    /// <summary>Fresh sessions whose system instruction carried the recent conversation.</summary>
    public long SeededSessions => Interlocked.Read(ref _seededSessions);

    /// <summary>Resumes given up for a fresh session: refused (1007) or failing past the resume budget.</summary>
    public long ResumesRefused => Interlocked.Read(ref _resumesRefused);

    internal long ModelFallbacks => Interlocked.Read(ref _modelFallbacks);

    internal long AudioChunksSent => Interlocked.Read(ref _audioChunksSent);

    /// <summary>User audio that went through the disconnected buffer.</summary>
    public long AudioBytesBuffered => Interlocked.Read(ref _audioBytesBuffered);

    /// <summary>User audio lost because the disconnected buffer was full.</summary>
    public long AudioBytesDropped => Interlocked.Read(ref _audioBytesDropped);

    /// <summary>
    /// For each goAway handover: from the last message heard on the old socket to <c>setupComplete</c> on the new one
    /// (the time nobody can hear the bot).
    /// </summary>
    public IReadOnlyList<TimeSpan> HandoverGaps
    {
        get
        {
            lock (_handoverGaps)
            {
                return [.. _handoverGaps];
            }
        }
    }

    /// <summary>User audio sent again because its socket closed before the server acknowledged it (bounded by <see cref="GeminiLiveOptions.UnacknowledgedAudioLimit"/>).</summary>
    public long AudioBytesReplayed => Interlocked.Read(ref _audioBytesReplayed);

    /// <summary>Malformed server messages dropped by transports that are no longer in use.</summary>
    internal long RetiredMalformed => Interlocked.Read(ref _retiredMalformed);

    internal void ConnectAttempt() => Interlocked.Increment(ref _connectAttempts);

    internal void Retry() => Interlocked.Increment(ref _retries);

    internal void ConnectionLost() => Interlocked.Increment(ref _connectionsLost);

    internal void Reconnected() => _metrics.Reconnects.Count(ref _reconnects, GeminiMetrics.ConnectionLost);

    internal void SwitchedOver() => _metrics.Handovers.Count(ref _switchOvers, GeminiMetrics.GoAway);

    internal void FreshSession() => Interlocked.Increment(ref _freshSessions);

    internal void HandoverGap(TimeSpan gap)
    {
        lock (_handoverGaps)
        {
            _handoverGaps.Add(gap);
        }

        _metrics.HandoverGap.Record(gap.TotalSeconds, GeminiMetrics.GoAway);
    }

    internal void SeededSession() => Interlocked.Increment(ref _seededSessions);

    internal void ResumeRefused() => Interlocked.Increment(ref _resumesRefused);

    internal void ModelFallback() => Interlocked.Increment(ref _modelFallbacks);

    internal void AudioChunkSent() => Interlocked.Increment(ref _audioChunksSent);

    internal void Buffered(int bytes) => Interlocked.Add(ref _audioBytesBuffered, bytes);

    internal void Replayed(int bytes) => Interlocked.Add(ref _audioBytesReplayed, bytes);

    internal void Dropped(int bytes) => _metrics.AudioDropped.Count(ref _audioBytesDropped, bytes, GeminiMetrics.BufferFull);

    internal void Retire(GeminiSessionCounters session) => Interlocked.Add(ref _retiredMalformed, session.MalformedMessages);
}
