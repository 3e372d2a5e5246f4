using System.Text.Json;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Discord.Voice.Receive;

namespace Chorus.LoadHarness;

/// <summary>
/// Watches one bot's voice connection from the inside: how long each DAVE opcode took to handle (MLS commits and
/// Welcomes are processed inline, so this is the epoch-change cost), how long each frame encryption and decryption took
/// (a wait on a lock held by opcode handling shows here), the time the bridge (mixer and gate) spends per frame, and
/// the gaps in each speaker's audio at four points: when the member sent it, when the bot's socket handed it over,
/// and when the decoded frame left the receive path. Bench code: it allocates freely and locks.
/// </summary>
internal sealed class LoadConversationProbe
{
    /// <summary>A pause longer than this is between utterances, not a gap inside one.</summary>
    public static readonly TimeSpan UtterancePause = TimeSpan.FromMilliseconds(400);

    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<double>> _opcodeMs = [];
    private readonly Dictionary<ulong, (ushort Sequence, long ReceivedAt, long HandledAt)> _lastFrame = [];
    private readonly Dictionary<ulong, long> _lastSentAt = [];
    private readonly Dictionary<(ulong User, ushort Sequence), (long Due, long From, long Until)> _sent = [];
    private readonly List<double> _encryptUs = [];
    private readonly List<double> _decryptUs = [];
    private readonly List<double> _bridgeUs = [];
    private readonly TimeProvider _time = TimeProvider.System;
    private (ulong User, ushort Previous, ushort Sequence, double AtPcm, double AtSocket, double BotLag) _longest;
    private double _longestSendGapMs;
    private double _longestReceiveGapMs;
    private double _longestLagMs;
    private double _latestSendMs;
    private double _longestRelayMs;
    private long _frames;

    /// <summary>One gap at the bot's PCM output and the same two frames' gaps upstream (ms; NaN when unknown).</summary>
    public readonly record struct GapBreakdown(
        ulong User, int SequenceStep, double AtPcm, double AtSocket, double AtSend, double SenderLate, double Relay, double BotLag);

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>The longest gap between two frames of one speaker's utterance at the bot's PCM output, and where it arose.</summary>
    public GapBreakdown Longest
    {
        get
        {
            lock (_gate)
            {
                // Resolved now: a frame can reach the bot before its sender has finished relaying it to everyone.
                var (user, previous, sequence, atPcm, atSocket, botLag) = _longest;
                var hasBoth = _sent.TryGetValue((user, previous), out var before) & _sent.TryGetValue((user, sequence), out var after);
                return new GapBreakdown(
                    user, (ushort)(sequence - previous), atPcm, atSocket,
                    hasBoth ? Ms(before.From, after.From) : double.NaN,
                    hasBoth ? Ms(after.Due, after.From) : double.NaN,
                    hasBoth ? Ms(after.From, after.Until) : double.NaN,
                    botLag);
            }
        }
    }

    public double LongestFrameGapMs => Longest.AtPcm;

    /// <summary>Longest gap inside an utterance between two relays of one member (the sender side, ms).</summary>
    public double LongestSendGapMs
    {
        get
        {
            lock (_gate)
            {
                return _longestSendGapMs;
            }
        }
    }

    /// <summary>Longest gap inside an utterance between two datagrams of one speaker off the bot's socket (ms).</summary>
    public double LongestReceiveGapMs
    {
        get
        {
            lock (_gate)
            {
                return _longestReceiveGapMs;
            }
        }
    }

    /// <summary>Longest time from the bot's socket read to its decoded frame (decrypts, lock waits, jitter, decode; ms).</summary>
    public double LongestBotLagMs
    {
        get
        {
            lock (_gate)
            {
                return _longestLagMs;
            }
        }
    }

    /// <summary>Most a member's relay began after its frame was due (ms).</summary>
    public double LatestSendMs
    {
        get
        {
            lock (_gate)
            {
                return _latestSendMs;
            }
        }
    }

    /// <summary>Longest fan-out of one frame by the emulator to every member and the bot (ms).</summary>
    public double LongestRelayMs
    {
        get
        {
            lock (_gate)
            {
                return _longestRelayMs;
            }
        }
    }

    /// <summary>Milliseconds per handled opcode, by opcode (JSON 21, 22, 24; binary 25, 27, 29, 30).</summary>
    public IReadOnlyDictionary<int, double[]> OpcodeMilliseconds()
    {
        lock (_gate)
        {
            return _opcodeMs.ToDictionary(p => p.Key, p => p.Value.ToArray());
        }
    }

    /// <summary>Microseconds per call: the bot's frame encryptions, decryptions, and bridge (mixer + gate) per decoded frame.</summary>
    public (double[] Encrypt, double[] Decrypt, double[] Bridge) CallMicroseconds()
    {
        lock (_gate)
        {
            return ([.. _encryptUs], [.. _decryptUs], [.. _bridgeUs]);
        }
    }

    /// <summary>Forgets what was seen so far (the call's setup is not the steady state).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _opcodeMs.Clear();
            _lastFrame.Clear();
            _lastSentAt.Clear();
            _encryptUs.Clear();
            _decryptUs.Clear();
            _bridgeUs.Clear();
            _longest = default;
            _longestSendGapMs = _longestReceiveGapMs = _longestLagMs = _latestSendMs = _longestRelayMs = 0;
        }
    }

    /// <summary>What a scripted member reports for each frame it sent (<c>ScriptedVoiceUser.FrameRelayed</c>).</summary>
    public void OnMemberSent(ulong user, ushort sequence, long due, long from, long until)
    {
        lock (_gate)
        {
            _sent[(user, sequence)] = (due, from, until);
            _latestSendMs = Math.Max(_latestSendMs, Ms(due, from));
            _longestRelayMs = Math.Max(_longestRelayMs, Ms(from, until));
            if (_lastSentAt.TryGetValue(user, out var last) && Ms(last, from) < UtterancePause.TotalMilliseconds)
            {
                _longestSendGapMs = Math.Max(_longestSendGapMs, Ms(last, from));
            }

            _lastSentAt[user] = from;
        }
    }

    public VoicePcmFrameHandler Observe(VoicePcmFrameHandler inner) => frame =>
    {
        var now = _time.GetTimestamp();
        Interlocked.Increment(ref _frames);
        if (!frame.IsConcealed)
        {
            lock (_gate)
            {
                _longestLagMs = Math.Max(_longestLagMs, Ms(frame.ReceivedAt, now));
                if (_lastFrame.TryGetValue(frame.UserId, out var last))
                {
                    var atPcm = Ms(last.HandledAt, now);
                    if (atPcm < UtterancePause.TotalMilliseconds)
                    {
                        var atSocket = Ms(last.ReceivedAt, frame.ReceivedAt);
                        _longestReceiveGapMs = Math.Max(_longestReceiveGapMs, atSocket);
                        if (atPcm > _longest.AtPcm)
                        {
                            _longest = (frame.UserId, last.Sequence, frame.Sequence, atPcm, atSocket, Ms(frame.ReceivedAt, now));
                        }
                    }
                }

                _lastFrame[frame.UserId] = (frame.Sequence, frame.ReceivedAt, now);
            }
        }

        var started = _time.GetTimestamp();
        inner(frame);
        var us = _time.GetElapsedTime(started).TotalMicroseconds;
        lock (_gate)
        {
            _bridgeUs.Add(us);
        }
    };

    public IDaveOpcodeHandler Observe(IDaveOpcodeHandler inner) => new TimedDaveHandler(inner, this);

    public IVoiceFrameCryptor ObserveCryptor(IVoiceFrameCryptor inner) => new TimedFrameCryptor(inner, this);

    private double Ms(long from, long to) => _time.GetElapsedTime(from, to).TotalMilliseconds;

    private void Record(int opcode, long startedAt)
    {
        var ms = _time.GetElapsedTime(startedAt).TotalMilliseconds;
        lock (_gate)
        {
            if (!_opcodeMs.TryGetValue(opcode, out var list))
            {
                _opcodeMs[opcode] = list = [];
            }

            list.Add(ms);
        }
    }

    private void RecordCall(List<double> list, long startedAt)
    {
        var us = _time.GetElapsedTime(startedAt).TotalMicroseconds;
        lock (_gate)
        {
            list.Add(us);
        }
    }

    private sealed class TimedDaveHandler(IDaveOpcodeHandler inner, LoadConversationProbe probe) : IDaveOpcodeHandler
    {
        public void OnSessionDescription(int daveProtocolVersion, IVoiceGatewaySender sender) => inner.OnSessionDescription(daveProtocolVersion, sender);

        public void OnJsonOpcode(int opcode, JsonElement data, IVoiceGatewaySender sender)
        {
            var started = probe._time.GetTimestamp();
            inner.OnJsonOpcode(opcode, data, sender);
            probe.Record(opcode, started);
        }

        public void OnBinaryOpcode(byte opcode, ReadOnlySpan<byte> payload, IVoiceGatewaySender sender)
        {
            var started = probe._time.GetTimestamp();
            inner.OnBinaryOpcode(opcode, payload, sender);
            probe.Record(opcode, started);
        }

        public void OnClientsChanged(IReadOnlyCollection<ulong> connectedUserIds) => inner.OnClientsChanged(connectedUserIds);
    }

    private sealed class TimedFrameCryptor(IVoiceFrameCryptor inner, LoadConversationProbe probe) : IVoiceFrameCryptor
    {
        public int GetMaxEncryptedLength(int frameLength) => inner.GetMaxEncryptedLength(frameLength);

        public bool TryEncrypt(ReadOnlySpan<byte> opusFrame, Span<byte> destination, out int written)
        {
            var started = probe._time.GetTimestamp();
            var done = inner.TryEncrypt(opusFrame, destination, out written);
            probe.RecordCall(probe._encryptUs, started);
            return done;
        }

        public bool TryDecrypt(ulong userId, ReadOnlySpan<byte> frame, Span<byte> destination, out int written)
        {
            var started = probe._time.GetTimestamp();
            var done = inner.TryDecrypt(userId, frame, destination, out written);
            probe.RecordCall(probe._decryptUs, started);
            return done;
        }
    }
}
