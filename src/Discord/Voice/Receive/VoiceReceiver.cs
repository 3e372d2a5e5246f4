using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Rtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Discord.Voice.Receive;

/// <summary>
/// The receive path: datagram → RTP checks → transport decryption (extension body and padding stripped) →
/// SSRC lookup (unknown SSRCs held) → frame decryption (DAVE seam) → jitter buffer → Opus decode or concealment
/// → <see cref="VoicePcmFrameHandler"/>. Nothing thrown by a packet leaves <see cref="ProcessDatagram(ReadOnlySpan{byte}, long)"/>.
/// </summary>
public sealed partial class VoiceReceiver
{
    private readonly Lock _gate = new();
    private readonly VoiceReceiverOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<uint, SsrcStream> _streams = [];
    private readonly Dictionary<uint, List<HeldPacket>> _held = [];
    private readonly TimeProvider _time;
    private readonly byte[] _transportScratch = new byte[2048];
    private readonly byte[] _frameScratch = new byte[2048];
    private readonly VoicePcmFrameHandler? _handler;
    private readonly DiscordMetrics _metrics;
    // Per cause, the drops seen so far: what thins a cause's log line under a flood.
    private readonly long[] _loggedDropOccurrences = new long[LoggedDropTags.Length];
    private TransportCipher? _cipher;
    private IVoiceFrameCryptor _frameCryptor = PassthroughFrameCryptor.Instance;
    private uint _ownSsrc;

    /// <summary>A receiver with no transport yet.</summary>
    /// <param name="options">Jitter and hold limits; the defaults when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="time">The clock for arrival times; the system clock when null.</param>
    /// <param name="frameHandler">Gets every decoded (or concealed) 20 ms frame; fixed for the receiver's life.</param>
    /// <param name="metrics">Where drops and packets are counted for export; <see cref="DiscordMetrics.Default"/> when null.</param>
    public VoiceReceiver(
        VoiceReceiverOptions? options = null, ILogger? logger = null, TimeProvider? time = null, VoicePcmFrameHandler? frameHandler = null,
        DiscordMetrics? metrics = null)
    {
        _metrics = metrics ?? DiscordMetrics.Default;
        _handler = frameHandler;
        _options = options ?? new VoiceReceiverOptions();
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Decrypts each frame between RTP and Opus (DAVE); passthrough when set to null.</summary>
    public IVoiceFrameCryptor FrameCryptor
    {
        get => _frameCryptor;
        set => _frameCryptor = value ?? PassthroughFrameCryptor.Instance;
    }

    /// <summary>Installs the session's cipher (op 4). The receiver does not own it.</summary>
    internal void SetTransport(TransportCipher? cipher, uint ownSsrc)
    {
        lock (_gate)
        {
            _cipher = cipher;
            _ownSsrc = ownSsrc;
        }
    }

    /// <summary>SSRC → user from op 5; replays packets held for that SSRC.</summary>
    public void MapSsrc(uint ssrc, ulong userId)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue(ssrc, out var existing) && existing.UserId == userId)
            {
                return;
            }

            foreach (var (otherSsrc, stream) in _streams)
            {
                if (stream.UserId == userId && otherSsrc != ssrc)
                {
                    _streams.Remove(otherSsrc);
                }
            }
            var created = new SsrcStream(ssrc, userId, _options.ReorderDepth, _options.MaxConcealedFrames);
            _streams[ssrc] = created;
            if (_held.Remove(ssrc, out var held))
            {
                var oldest = _time.GetTimestamp() - (long)(_options.MaxHoldAge.TotalSeconds * _time.TimestampFrequency);
                foreach (var packet in held)
                {
                    if (packet.ArrivedAt >= oldest)
                    {
                        DeliverMapped(created, packet.Sequence, packet.Timestamp, packet.Payload, packet.ArrivedAt);
                    }
                    else
                    {
                        _metrics.PacketsDropped.Add(1, MetricTag.UnknownSsrc, MetricTag.Receive);
                    }
                }
            }
        }
    }

    /// <summary>Forgets a user's streams (op 13).</summary>
    public void RemoveUser(ulong userId)
    {
        lock (_gate)
        {
            foreach (var (ssrc, stream) in _streams)
            {
                if (stream.UserId == userId)
                {
                    _streams.Remove(ssrc);
                }
            }
        }
    }

    internal bool TryGetUser(uint ssrc, out ulong userId)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue(ssrc, out var stream))
            {
                userId = stream.UserId;
                return true;
            }
        }
        userId = 0;
        return false;
    }

    /// <summary>One datagram just read off the socket; its arrival (this receiver's clock) is taken here.</summary>
    internal void ProcessDatagram(ReadOnlySpan<byte> datagram) => ProcessDatagram(datagram, _time.GetTimestamp());

    /// <param name="datagram">The datagram as read off the socket.</param>
    /// <param name="receivedAt">
    /// When the socket handed it over (a <see cref="TimeProvider.GetTimestamp"/> of this receiver's clock): the start of
    /// the uplink latency its audio carries through decryption, DAVE, the jitter buffer and decoding.
    /// </param>
    internal void ProcessDatagram(ReadOnlySpan<byte> datagram, long receivedAt)
    {
        _metrics.PacketsReceived.Add(1);
        if (datagram.Length <= 8)
        {
            _metrics.KeepalivesReceived.Add(1);
            return;
        }
        var parse = RtpHeader.TryParse(datagram, out var header);
        if (parse != RtpParseResult.Ok)
        {
            CountParseFailure(parse);
            return;
        }
        lock (_gate)
        {
            var cipher = _cipher;
            if (cipher is null)
            {
                Drop(LoggedDrop.NoKey, "no session key yet", header.Ssrc);
                return;
            }
            if (header.Ssrc == _ownSsrc)
            {
                return;
            }

            var result = RtpSizeTransport.Open(cipher, header, datagram, _transportScratch, out var offset, out var length);
            switch (result)
            {
                case RtpOpenResult.Ok:
                    break;
                case RtpOpenResult.AuthenticationFailed:
                    Drop(LoggedDrop.AuthenticationFailed, "authentication failed", header.Ssrc);
                    return;
                case RtpOpenResult.TooShort:
                    Drop(LoggedDrop.TooShort, "too short for tag and nonce", header.Ssrc);
                    return;
                default:
                    Drop(LoggedDrop.Malformed, result == RtpOpenResult.BadPadding ? "bad padding" : "bad extension length", header.Ssrc);
                    return;
            }
            var payload = _transportScratch.AsSpan(offset, length);
            if (payload.IsEmpty)
            {
                Drop(LoggedDrop.EmptyPayload, "empty payload", header.Ssrc);
                return;
            }
            if (_streams.TryGetValue(header.Ssrc, out var stream))
            {
                DeliverMapped(stream, header.Sequence, header.Timestamp, payload, receivedAt);
            }
            else
            {
                Hold(header, payload, receivedAt);
            }
        }
    }

    private void DeliverMapped(SsrcStream stream, ushort sequence, uint timestamp, ReadOnlySpan<byte> payload, long receivedAt)
    {
        if (!TryDecryptFrame(stream.UserId, payload, out var frameLength))
        {
            Drop(LoggedDrop.FrameDecryptFailed, "frame decryption failed", stream.Ssrc);
            return;
        }
        if (frameLength == 0)
        {
            Drop(LoggedDrop.EmptyPayload, "empty frame", stream.Ssrc);
            return;
        }
        switch (stream.Jitter.Insert(sequence, timestamp, _frameScratch.AsSpan(0, frameLength), receivedAt))
        {
            case JitterInsertResult.Duplicate:
                _metrics.PacketsDropped.Add(1, MetricTag.Duplicate, MetricTag.Receive);
                return;
            case JitterInsertResult.Late:
                _metrics.PacketsDropped.Add(1, MetricTag.Late, MetricTag.Receive);
                return;
            case JitterInsertResult.TooLarge:
                Drop(LoggedDrop.Malformed, "frame too large", stream.Ssrc);
                return;
            case JitterInsertResult.AcceptedOutOfOrder:
                _metrics.PacketsReordered.Add(1);
                break;
        }
        Drain(stream, receivedAt);
    }

    private bool TryDecryptFrame(ulong userId, ReadOnlySpan<byte> payload, out int length)
    {
        try
        {
            return _frameCryptor.TryDecrypt(userId, payload, _frameScratch, out length);
        }
#pragma warning disable CA1031 // A frame cryptor failing on hostile input must cost one frame, not the loop.
        catch (Exception)
#pragma warning restore CA1031
        {
            length = 0;
            return false;
        }
    }

    /// <param name="stream">The stream a packet was just inserted into.</param>
    /// <param name="receivedAt">
    /// That packet's arrival: a concealed frame is released by it, so its audio starts its way to the model then.
    /// </param>
    private void Drain(SsrcStream stream, long receivedAt)
    {
        while (stream.Jitter.TryTake(out var item))
        {
            int samples;
            if (item.IsLost)
            {
                samples = stream.Decoder.Conceal(stream.Pcm);
                if (samples > 0)
                {
                    _metrics.FramesConcealed.Add(1);
                }
            }
            else
            {
                samples = stream.Decoder.Decode(stream.Jitter.PayloadOf(item), stream.Pcm);
                if (samples <= 0)
                {
                    Drop(LoggedDrop.DecodeFailed, "Opus decode failed", stream.Ssrc);
                    continue;
                }
            }
            if (samples <= 0)
            {
                continue;
            }

            _metrics.FramesDelivered.Add(1);
            var handler = _handler;
            if (handler is null)
            {
                continue;
            }

            try
            {
                handler(new VoicePcmFrame(
                    stream.UserId, stream.Ssrc, item.Sequence, item.Timestamp, item.IsLost, stream.Pcm.AsSpan(0, samples),
                    item.IsLost ? receivedAt : item.ReceivedAt));
            }
#pragma warning disable CA1031 // The consumer's bug must not stop everyone else's audio.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _metrics.FrameHandlerFailures.Add(1);
                LogHandlerFailed(_logger, ex);
            }
        }
    }

    private void Hold(in RtpHeader header, ReadOnlySpan<byte> payload, long receivedAt)
    {
        if (!_held.TryGetValue(header.Ssrc, out var list))
        {
            if (_held.Count >= _options.MaxUnknownSsrcs)
            {
                Drop(LoggedDrop.UnknownSsrc, "too many unknown SSRCs", header.Ssrc);
                return;
            }
            list = [];
            _held[header.Ssrc] = list;
        }
        if (list.Count >= _options.MaxHeldPacketsPerSsrc)
        {
            list.RemoveAt(0);
            _metrics.PacketsDropped.Add(1, MetricTag.UnknownSsrc, MetricTag.Receive);
        }
        // Rare path (audio before op 5), so a copy per held packet is acceptable.
        list.Add(new HeldPacket(header.Sequence, header.Timestamp, receivedAt, payload.ToArray()));
        _metrics.PacketsHeld.Add(1);
    }

    private void CountParseFailure(RtpParseResult parse)
    {
        switch (parse)
        {
            case RtpParseResult.Rtcp:
                _metrics.PacketsDropped.Add(1, MetricTag.Rtcp, MetricTag.Receive);
                break;
            case RtpParseResult.TooShort:
                Drop(LoggedDrop.TooShort, "truncated RTP header", 0);
                break;
            default:
                Drop(LoggedDrop.NotRtp, "not RTP v2 / payload type 120", 0);
                break;
        }
    }

    private void Drop(LoggedDrop cause, string reason, uint ssrc)
    {
        _metrics.PacketsDropped.Add(1, LoggedDropTags[(int)cause], MetricTag.Receive);
        var count = Interlocked.Increment(ref _loggedDropOccurrences[(int)cause]);
        // Hostile floods must not flood the log: first few, then powers of two.
        if (count <= 5 || (count & (count - 1)) == 0)
        {
            LogDropped(_logger, reason, ssrc, count);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Voice packet dropped: {Reason} (ssrc {Ssrc}, {Count} so far)")]
    private static partial void LogDropped(ILogger logger, string reason, uint ssrc, long count);

    // The order of LoggedDrop.
    private static readonly KeyValuePair<string, object?>[] LoggedDropTags =
    [
        MetricTag.NoKey, MetricTag.AuthenticationFailed, MetricTag.TooShort, MetricTag.Malformed, MetricTag.EmptyPayload,
        MetricTag.FrameDecryptFailed, MetricTag.DecodeFailed, MetricTag.UnknownSsrc, MetricTag.NotRtp,
    ];

    /// <summary>The drops that hostile input can repeat and that are logged (thinned out).</summary>
    private enum LoggedDrop
    {
        NoKey,
        AuthenticationFailed,
        TooShort,
        Malformed,
        EmptyPayload,
        FrameDecryptFailed,
        DecodeFailed,
        UnknownSsrc,
        NotRtp,
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Voice frame handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
