using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;

namespace Chorus.Discord.Voice.Receive;

/// <summary>
/// What one receive path saw and dropped: the per-connection view of <see cref="DiscordMetrics"/>. Each event is counted
/// once, here, and recorded on the exported instrument in the same call. Updated from the receive thread, readable from
/// anywhere.
/// </summary>
public sealed class VoiceReceiveCounters
{
    private readonly DiscordMetrics _metrics;

    internal VoiceReceiveCounters(DiscordMetrics metrics) => _metrics = metrics;

    internal long _datagrams, _keepalives, _notRtp, _rtcp, _tooShort, _authFailed, _malformed, _emptyPayload,
        _frameDecryptFailed, _heldUnknownSsrc, _droppedUnknownSsrc, _duplicates, _late, _reordered,
        _concealed, _decodeFailed, _framesDelivered, _handlerFailed, _noKey;

    /// <summary>UDP datagrams received.</summary>
    public long Datagrams => Volatile.Read(ref _datagrams);
    /// <summary>Datagrams of 8 bytes or fewer (keepalives and the like).</summary>
    public long Keepalives => Volatile.Read(ref _keepalives);
    /// <summary>Not RTP v2 or not payload type 120.</summary>
    public long NotRtp => Volatile.Read(ref _notRtp);
    internal long Rtcp => Volatile.Read(ref _rtcp);
    internal long TooShort => Volatile.Read(ref _tooShort);
    internal long AuthenticationFailed => Volatile.Read(ref _authFailed);
    /// <summary>Bad padding or extension lengths inside an authenticated packet.</summary>
    public long Malformed => Volatile.Read(ref _malformed);
    internal long EmptyPayload => Volatile.Read(ref _emptyPayload);
    /// <summary>Frames the frame cryptor (DAVE) refused.</summary>
    public long FrameDecryptFailed => Volatile.Read(ref _frameDecryptFailed);
    internal long HeldForUnknownSsrc => Volatile.Read(ref _heldUnknownSsrc);
    internal long DroppedUnknownSsrc => Volatile.Read(ref _droppedUnknownSsrc);
    internal long Duplicates => Volatile.Read(ref _duplicates);
    /// <summary>Packets that arrived after their frame was already played out or concealed; dropped.</summary>
    public long Late => Volatile.Read(ref _late);
    internal long Reordered => Volatile.Read(ref _reordered);
    /// <summary>Frames synthesised by packet loss concealment.</summary>
    public long Concealed => Volatile.Read(ref _concealed);
    internal long DecodeFailed => Volatile.Read(ref _decodeFailed);
    internal long FramesDelivered => Volatile.Read(ref _framesDelivered);
    internal long HandlerFailed => Volatile.Read(ref _handlerFailed);
    /// <summary>RTP arrived before the session description gave us a key.</summary>
    public long NoKey => Volatile.Read(ref _noKey);

    internal long TotalDropped => NotRtp + Rtcp + TooShort + AuthenticationFailed + Malformed + EmptyPayload + FrameDecryptFailed
        + DroppedUnknownSsrc + Duplicates + Late + DecodeFailed + NoKey;

    /// <inheritdoc/>
    public override string ToString() =>
        $"datagrams={Datagrams} keepalives={Keepalives} notRtp={NotRtp} rtcp={Rtcp} tooShort={TooShort} auth={AuthenticationFailed} " +
        $"malformed={Malformed} empty={EmptyPayload} frameDecrypt={FrameDecryptFailed} held={HeldForUnknownSsrc} " +
        $"droppedUnknown={DroppedUnknownSsrc} dup={Duplicates} late={Late} reordered={Reordered} concealed={Concealed} " +
        $"decodeFailed={DecodeFailed} delivered={FramesDelivered} handlerFailed={HandlerFailed} noKey={NoKey}";

    internal void Datagram() => _metrics.PacketsReceived.Count(ref _datagrams);

    internal void FrameConcealed() => _metrics.FramesConcealed.Count(ref _concealed);

    /// <summary>Counts a drop in <paramref name="counter"/> (one of this instance's fields) and on the instrument.</summary>
    internal long Dropped(ref long counter, in KeyValuePair<string, object?> cause) =>
        _metrics.PacketsDropped.Count(ref counter, cause, DiscordMetrics.Receive);
}
