using System.Text.Json;
using Chorus.Discord.Voice.Gateway;
using Chorus.Discord.Voice.Receive;

namespace Chorus.LoadHarness;

/// <summary>
/// Watches one bot's voice connection from the inside: how long each DAVE opcode took to handle (MLS commits and
/// Welcomes are processed inline, so this is the epoch-change cost) and the gaps between the audio frames it received
/// from each speaker. Bench code: it allocates freely and locks.
/// </summary>
internal sealed class LoadConversationProbe
{
    /// <summary>A pause longer than this is between utterances, not a gap inside one.</summary>
    public static readonly TimeSpan UtterancePause = TimeSpan.FromMilliseconds(400);

    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<double>> _opcodeMs = [];
    private readonly Dictionary<ulong, long> _lastFrameAt = [];
    private readonly TimeProvider _time = TimeProvider.System;
    private double _longestFrameGapMs;
    private long _frames;

    public double LongestFrameGapMs
    {
        get
        {
            lock (_gate)
            {
                return _longestFrameGapMs;
            }
        }
    }

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Milliseconds per handled opcode, by opcode (JSON 21, 22, 24; binary 25, 27, 29, 30).</summary>
    public IReadOnlyDictionary<int, double[]> OpcodeMilliseconds()
    {
        lock (_gate)
        {
            return _opcodeMs.ToDictionary(p => p.Key, p => p.Value.ToArray());
        }
    }

    /// <summary>Forgets what was seen so far (the call's setup is not the steady state).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _opcodeMs.Clear();
            _lastFrameAt.Clear();
            _longestFrameGapMs = 0;
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
                if (_lastFrameAt.TryGetValue(frame.UserId, out var last))
                {
                    var gap = _time.GetElapsedTime(last, now);
                    if (gap < UtterancePause)
                    {
                        _longestFrameGapMs = Math.Max(_longestFrameGapMs, gap.TotalMilliseconds);
                    }
                }

                _lastFrameAt[frame.UserId] = now;
            }
        }

        inner(frame);
    };

    public IDaveOpcodeHandler Observe(IDaveOpcodeHandler inner) => new TimedDaveHandler(inner, this);

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
}
