using System.Diagnostics;

namespace Chorus.LoadHarness;

/// <summary>
/// Times a bot from outside it, at the emulated voice server, so ours and the Node peer are measured at the same
/// place the same way: the interval between consecutive reply packets as they arrive, and how long after a user
/// stops sending the bot's first reply packet arrives (endpointing, the Gemini emulator's own end-of-speech silence
/// and think time, and the bot's downlink together).
/// </summary>
internal sealed class WireMeter
{
    /// <summary>A longer gap is the pause between two answers, not an interval inside one.</summary>
    private static readonly long AnswerGap = Stopwatch.Frequency / 2;

    /// <summary>A bot that sent within this long before the user stopped was still talking then (its answer did not stop).</summary>
    private static readonly long StillTalking = Stopwatch.Frequency / 10;

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, Guild> _guilds = [];
    private readonly List<double> _intervalsMs = [];
    private readonly List<double> _firstReplyMs = [];
    private long _packets;
    private long _speechEnds;
    private long _unanswered;
    private long _stillTalking;

    public void BotPacket(ulong guildId)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var guild = GuildOf(guildId);
            if (guild.LastPacket > 0 && now - guild.LastPacket < AnswerGap)
            {
                _intervalsMs.Add(Milliseconds(now - guild.LastPacket));
            }

            if (guild.StoppedAt > 0)
            {
                _firstReplyMs.Add(Milliseconds(now - guild.StoppedAt));
                guild.StoppedAt = 0;
            }
            guild.LastPacket = now;
            _packets++;
        }
    }

    /// <summary>The user of <paramref name="guildId"/> stopped sending (its last frame, then five silence frames, are out).</summary>
    public void SpeechEnded(ulong guildId)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var guild = GuildOf(guildId);
            _speechEnds++;
            if (guild.StoppedAt > 0)
            {
                _unanswered++;
            }

            if (guild.LastPacket > 0 && now - guild.LastPacket < StillTalking)
            {
                _stillTalking++;
                guild.StoppedAt = 0;
                return;
            }
            guild.StoppedAt = now;
        }
    }

    /// <summary>Opens the measuring window: what came before (connecting, warm-up) is forgotten.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _intervalsMs.Clear();
            _firstReplyMs.Clear();
            _packets = 0;
            _speechEnds = 0;
            _unanswered = 0;
            _stillTalking = 0;
            foreach (var guild in _guilds.Values)
            {
                guild.StoppedAt = 0;
            }
        }
    }

    public WireFigures Snapshot()
    {
        lock (_gate)
        {
            return new WireFigures(
                Figure(_intervalsMs), Figure(_firstReplyMs), _packets, _speechEnds, _unanswered, _stillTalking);
        }
    }

    private Guild GuildOf(ulong guildId)
    {
        if (!_guilds.TryGetValue(guildId, out var guild))
        {
            guild = new Guild();
            _guilds[guildId] = guild;
        }
        return guild;
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    internal static LatencyFigure Figure(List<double> samples)
    {
        if (samples.Count == 0)
        {
            return new LatencyFigure(0, 0, 0, 0);
        }

        var sorted = samples.ToArray();
        Array.Sort(sorted);
        return new LatencyFigure(sorted.Length, Quantile(sorted, 0.50), Quantile(sorted, 0.99), sorted[^1]);
    }

    private static double Quantile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed class Guild
    {
        public long LastPacket { get; set; }

        /// <summary>When the user stopped, while no reply packet has arrived since (0: none pending).</summary>
        public long StoppedAt { get; set; }
    }
}

/// <summary>
/// A bot's figures at the emulated voice server over the measuring window. <paramref name="Unanswered"/>: the user
/// stopped again before any reply packet came; <paramref name="StillTalking"/>: the bot was sending when the user stopped.
/// </summary>
internal sealed record WireFigures(
    LatencyFigure SendIntervalMs, LatencyFigure FirstReplyPacketMs, long BotPackets, long SpeechEnds, long Unanswered, long StillTalking)
{
    /// <summary>
    /// The model's own share of a turn, from the Gemini emulator's timestamps: the user's last speech audio reaching it to
    /// its first audio of the answer sent (its end-of-speech silence and think time included).
    /// </summary>
    public LatencyFigure ModelTimeMs { get; init; } = new(0, 0, 0, 0);

    public static LatencyFigure FigureOf(IEnumerable<double> samples) => WireMeter.Figure([.. samples]);
}
