using Chorus.Emulators.Voice;

namespace Chorus.EndToEnd.Cluster;

/// <summary>
/// One guild's call as its scripted user lives it: says a short sentence, waits for the bot's (echoed) answer, pauses,
/// and again; and, at the emulated voice server, the arrival time of every frame the bot sends, from which each
/// answer's longest gap is measured.
/// </summary>
internal sealed class ClusterConversation
{
    /// <summary>The bot's answers are measured over their first 80 %: the echo may be a frame or two shorter than the sentence.</summary>
    private const double MeasuredShare = 0.8;

    private readonly ulong _botUserId;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<long> _arrivals = [];
    private readonly List<ClusterTurn> _turns = [];
    private volatile bool _speakAgain;

    public ClusterConversation(ClusterGuild guild, ScriptedVoiceUser user, ulong botUserId, TimeProvider time)
    {
        Guild = guild;
        User = user;
        _botUserId = botUserId;
        _time = time;
        user.FrameHeard += OnFrameHeard;
    }

    public ClusterGuild Guild { get; }

    public ScriptedVoiceUser User { get; }

    /// <summary>Notified on every frame from the bot and every turn's end.</summary>
    public ChangeSignal Changed { get; } = new();

    public int FramesFromBot
    {
        get
        {
            lock (_gate)
            {
                return _arrivals.Count;
            }
        }
    }

    public IReadOnlyList<ClusterTurn> Turns
    {
        get
        {
            lock (_gate)
            {
                return [.. _turns];
            }
        }
    }

    public int Answered => Turns.Count(t => t.Answered);

    /// <summary>
    /// Ends the wait for the current answer at once (the turn counts as unanswered) and the user speaks again, as a
    /// user does on seeing the bot back in the call after an outage, instead of waiting out the answer timeout.
    /// </summary>
    public void SpeakAgain()
    {
        _speakAgain = true;
        Changed.Notify();
    }

    /// <summary>Talks until <paramref name="stop"/> fires: each turn is <paramref name="utterance"/>, then the answer, then <paramref name="pause"/>.</summary>
    public async Task TalkAsync(IReadOnlyList<byte[]> utterance, TimeSpan pause, TimeSpan answerTimeout, CancellationToken stop)
    {
        var answerFrames = (int)(utterance.Count * MeasuredShare);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                _speakAgain = false;
                var first = FramesFromBot;
                var spokenAt = _time.GetTimestamp();
                await User.SpeakOpusAsync(utterance, cancellationToken: stop);
                var stoppedAt = _time.GetTimestamp();
                var sendGap = User.LongestSendGap;
                try
                {
                    await Wait.UntilAsync(() => FramesAfter(stoppedAt) >= answerFrames || _speakAgain, Changed, answerTimeout, () => "the answer");
                }
                catch (TimeoutException)
                {
                }

                var answered = FramesAfter(stoppedAt) >= answerFrames;

                lock (_gate)
                {
                    // The answer starts with the first frame after the user stopped: the previous answer's tail never counts.
                    var start = _arrivals.FindIndex(first, a => a > stoppedAt);
                    answered = answered && start >= 0;
                    _turns.Add(new ClusterTurn(spokenAt, stoppedAt, answered, answered ? LongestGap(start, start + answerFrames) : null,
                        answered ? _arrivals[start] : null)
                    { LongestSendGap = sendGap });
                }

                Changed.Notify();
                await Task.Delay(pause, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private int FramesAfter(long timestamp)
    {
        lock (_gate)
        {
            var i = _arrivals.FindLastIndex(a => a <= timestamp);
            return _arrivals.Count - (i + 1);
        }
    }

    /// <summary>The longest interval between consecutive frames with indexes in [from, to), in milliseconds.</summary>
    private double LongestGap(int from, int to)
    {
        var longest = 0.0;
        for (var i = from + 1; i < to && i < _arrivals.Count; i++)
        {
            longest = Math.Max(longest, _time.GetElapsedTime(_arrivals[i - 1], _arrivals[i]).TotalMilliseconds);
        }

        return longest;
    }

    private void OnFrameHeard(ulong from, ushort sequence)
    {
        if (from != _botUserId)
        {
            return;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _arrivals.Add(now);
        }

        Changed.Notify();
    }
}

/// <summary>
/// One turn: when the user started and stopped speaking, whether the answer came, its longest gap between frames
/// (over its first 80 %), and when its first frame arrived (timestamps of the rig's <see cref="TimeProvider"/>).
/// </summary>
internal sealed record ClusterTurn(long SpokenAt, long StoppedAt, bool Answered, double? LongestGapMs, long? AnswerStartedAt)
{
    /// <summary>The longest interval between two of the user's own frames as it sent them (the rig's lateness, not the bot's).</summary>
    public TimeSpan LongestSendGap { get; init; }
}

/// <summary>An emulated guild of the rig: its text and voice channels and the one user who talks to the bot.</summary>
internal sealed record ClusterGuild(int Index, ulong Id, ulong TextChannelId, ulong VoiceChannelId, ulong UserId)
{
    /// <summary>
    /// Guild i lives on shard i % 2 of 2: Discord routes a guild by (id &gt;&gt; 22) % shard count, so the ids are
    /// chosen to split the guilds evenly between the two gateways.
    /// </summary>
    public static ClusterGuild Create(int index)
    {
        var id = (ulong)(40_000 + index) << 22;
        return new ClusterGuild(index, id, id + 1, id + 2, id + 3);
    }

    public int Shard(int shardCount) => (int)((Id >> 22) % (ulong)shardCount);
}
