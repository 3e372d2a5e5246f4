using System.Collections.Concurrent;
using System.Threading.Channels;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Gateway.Sessions;
using Chorus.Gemini;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gateway.Tests.Sessions;

/// <summary>
/// The session state machine with fakes for its connections, the grain and Discord: every terminal cause ends the
/// session the same way (one message in the origin channel, one leave, the connections closed, the grain told why),
/// once, however many times it is reported.
/// </summary>
public sealed class RunningSessionTests
{
    private const long Guild = 4242;
    private const ulong Voice = 900;
    private const ulong Origin = 901;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly FakeParts _parts = new();
    private readonly FakeGrain _grain = new();
    private readonly FakeDiscord _discord = new();
    private readonly SessionInbox _inbox = new();

    private RunningSession NewSession(int maxMinutes = 120, ulong? origin = Origin, SessionTimeLimits? limits = null) => new(
        new SessionContext(Guild, "gw-test", Voice, origin, _time.GetUtcNow(), new GuildOptions(MaxSessionMinutes: maxMinutes)),
        _parts, _inbox, _grain, _discord, limits ?? new SessionTimeLimits(), _time, NullLogger.Instance);

    public static TheoryData<string> TerminalCauses => ["gemini-key", "gemini-quota", "gemini-give-up", "voice-gave-up", "voice-disconnected"];

    [Theory]
    [MemberData(nameof(TerminalCauses))]
    public async Task Each_terminal_cause_posts_one_message_leaves_closes_both_sides_and_records_its_reason(string cause)
    {
        var session = NewSession();
        session.Start();

        var (expectedReason, expectedWords) = Cause(cause);
        var ending = await session.Completion.WaitAsync(Wait);

        Assert.Equal(expectedReason, ending.Reason);
        Assert.Equal(SessionPhase.Ended, session.Phase);
        var post = Assert.Single(_discord.Posts);
        Assert.Equal(Origin, post.Channel);
        Assert.Contains(expectedWords, post.Text, StringComparison.Ordinal);
        Assert.Contains("/join", post.Text, StringComparison.Ordinal);
        Assert.Equal([(ulong)Guild], _discord.Left);
        Assert.Equal(1, _parts.Disposals);
        var end = Assert.Single(_grain.Ends);
        Assert.Equal(expectedReason, end.Reason);
        Assert.Equal(post.Text, end.Detail);
        Assert.Empty(_grain.CompletedLeaves);
    }

    private (SessionEndReason Reason, string Words) Cause(string cause)
    {
        switch (cause)
        {
            case "gemini-key":
                _inbox.OnGeminiFailed(new GeminiLiveException(GeminiFailureKind.InvalidCredentials, "API key not valid"));
                return (SessionEndReason.GeminiFailed, "the API key was refused");
            case "gemini-quota":
                _inbox.OnGeminiFailed(new GeminiLiveException(GeminiFailureKind.QuotaExhausted, "quota"));
                return (SessionEndReason.GeminiFailed, "quota");
            case "gemini-give-up":
                _inbox.OnGeminiFailed(new GeminiLiveException(GeminiFailureKind.Transient, "dropped 7 connections in a row"));
                return (SessionEndReason.GeminiFailed, "could not get it back");
            case "voice-gave-up":
                _inbox.OnVoiceClosed(new VoiceConnectionClosed(4006, VoiceCloseAction.Rejoin, "rejoin kept failing"));
                return (SessionEndReason.VoiceLost, $"<#{Voice}>");
            default:
                _inbox.OnVoiceClosed(new VoiceConnectionClosed(4014, VoiceCloseAction.Disconnected, "disconnected by the server"));
                return (SessionEndReason.Disconnected, "disconnected");
        }
    }

    [Fact]
    public async Task A_terminal_event_reported_many_times_and_from_many_sides_ends_the_session_once()
    {
        var session = NewSession();
        session.Start();

        _inbox.OnGeminiFailed(new GeminiLiveException(GeminiFailureKind.InvalidCredentials, "refused"));
        _inbox.OnGeminiFailed(new GeminiLiveException(GeminiFailureKind.InvalidCredentials, "refused"));
        _inbox.OnVoiceClosed(new VoiceConnectionClosed(null, VoiceCloseAction.GiveUp, "gone"));
        var ends = await Task.WhenAll(
            session.EndAsync(SessionNotices.Disconnected(Voice)), session.EndAsync(SessionEnding.Requested("/leave"))).WaitAsync(Wait);

        // The first one decided; everyone who asked after it learns how it ended.
        Assert.All(ends, e => Assert.Equal(SessionEndReason.GeminiFailed, e.Reason));
        Assert.Single(_discord.Posts);
        Assert.Single(_discord.Left);
        Assert.Single(_grain.Ends);
        Assert.Empty(_grain.CompletedLeaves);
        Assert.Equal(1, _parts.Disposals);
    }

    [Fact]
    public async Task The_message_never_carries_the_failures_own_text()
    {
        var session = NewSession();
        session.Start();

        _inbox.OnGeminiFailed(new GeminiLiveException(GeminiFailureKind.InvalidCredentials, "wss://host/ws?key=AIzaSECRET refused"));
        await session.Completion.WaitAsync(Wait);

        var post = Assert.Single(_discord.Posts);
        Assert.DoesNotContain("SECRET", post.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("key=", post.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", _grain.Ends.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requested_leave_posts_nothing_and_completes_the_grains_leave()
    {
        var session = NewSession();
        session.Start();

        var ending = await session.EndAsync(SessionEnding.Requested("/leave by 7")).WaitAsync(Wait);

        Assert.Equal(SessionEndReason.Left, ending.Reason);
        Assert.Empty(_discord.Posts);
        Assert.Equal([(ulong)Guild], _discord.Left);
        Assert.Single(_grain.CompletedLeaves);
        Assert.Empty(_grain.Ends);
        Assert.Equal(1, _parts.Disposals);
    }

    [Fact]
    public async Task A_session_taken_over_by_another_gateway_closes_its_side_only()
    {
        var session = NewSession();
        session.Start();

        await session.EndAsync(SessionEnding.TakenOver("owned by gw-2")).WaitAsync(Wait);

        Assert.Empty(_grain.Handoffs);
        Assert.Empty(_discord.Posts);
        Assert.Empty(_discord.Left);
        Assert.Empty(_grain.Ends);
        Assert.Empty(_grain.CompletedLeaves);
        Assert.Equal(1, _parts.Disposals);
    }

    [Fact]
    public async Task A_session_handed_over_with_its_shard_leaves_its_handle_and_unheard_audio_in_the_grain_when_its_voice_ends()
    {
        var session = NewSession();
        session.Start();
        session.MarkHandedOver();

        // The receiver's identify ends this side's voice.
        _inbox.OnVoiceClosed(new VoiceConnectionClosed(4014, VoiceCloseAction.Disconnected, "disconnected by the server"));
        var ending = await session.Completion.WaitAsync(Wait);

        Assert.True(ending.HandsOff);
        var (from, handoff) = Assert.Single(_grain.Handoffs);
        Assert.Equal("gw-test", from);
        Assert.Equal(_parts.Handoff.ResumptionHandle, handoff.ResumptionHandle);
        Assert.Equal(_parts.Handoff.UnheardAudio, handoff.UnheardAudio);
        Assert.Equal(1, _parts.HandOffsBeforeDisposal);
        Assert.Equal(1, _parts.Disposals);
        Assert.Empty(_discord.Posts);
        Assert.Empty(_discord.Left);
        Assert.Empty(_grain.Ends);
    }

    [Fact]
    public async Task The_time_limit_warns_a_minute_before_and_then_ends_politely()
    {
        var session = NewSession(maxMinutes: 3);
        session.Start();

        _time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.Empty(_discord.Posts);
        _time.Advance(TimeSpan.FromSeconds(1));
        var warning = await _discord.NextPostAsync();
        Assert.Equal(Origin, warning.Channel);
        Assert.StartsWith("One minute left", warning.Text, StringComparison.Ordinal);
        Assert.Contains("3 minutes", warning.Text, StringComparison.Ordinal);
        Assert.False(session.Completion.IsCompleted);

        _time.Advance(TimeSpan.FromMinutes(1));
        var ending = await session.Completion.WaitAsync(Wait);

        Assert.Equal(SessionEndReason.TimeLimit, ending.Reason);
        var end = await _discord.NextPostAsync();
        Assert.Contains("limit of 3 minutes", end.Text, StringComparison.Ordinal);
        Assert.Contains("Thanks", end.Text, StringComparison.Ordinal);
        Assert.Equal(2, _discord.Posts.Count);
        Assert.Equal(SessionEndReason.TimeLimit, Assert.Single(_grain.Ends).Reason);
        Assert.Single(_discord.Left);
    }

    [Fact]
    public async Task A_limit_lowered_during_the_session_applies_to_it_at_once()
    {
        var session = NewSession(maxMinutes: 120);
        session.Start();
        _time.Advance(TimeSpan.FromMinutes(30));

        session.OnSettingsChanged(new GuildOptions(MaxSessionMinutes: 31));
        var warning = await _discord.NextPostAsync();
        Assert.StartsWith("One minute left", warning.Text, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromMinutes(1));
        var ending = await session.Completion.WaitAsync(Wait);

        Assert.Equal(SessionEndReason.TimeLimit, ending.Reason);
        Assert.Contains("limit of 31 minutes", ending.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_lowered_below_the_time_already_spent_ends_the_session_now()
    {
        var session = NewSession(maxMinutes: 120);
        session.Start();
        _time.Advance(TimeSpan.FromMinutes(30));

        session.OnSettingsChanged(new GuildOptions(MaxSessionMinutes: 10));
        var ending = await session.Completion.WaitAsync(Wait);

        Assert.Equal(SessionEndReason.TimeLimit, ending.Reason);
        Assert.Single(_discord.Posts);
    }

    [Fact]
    public async Task Shortened_minutes_scale_the_limit_and_the_warning()
    {
        var session = NewSession(maxMinutes: 2, limits: new SessionTimeLimits { Minute = TimeSpan.FromSeconds(5) });
        session.Start();

        _time.Advance(TimeSpan.FromSeconds(5));
        var warning = await _discord.NextPostAsync();
        Assert.StartsWith("5 seconds left", warning.Text, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(SessionEndReason.TimeLimit, (await session.Completion.WaitAsync(Wait)).Reason);
    }

    [Fact]
    public async Task Voice_recovery_is_reported_to_the_grain_and_does_not_end_the_session()
    {
        var session = NewSession();
        session.Start();

        _inbox.OnVoiceStateChanged(VoiceConnectionState.Resuming);
        await _grain.NextStateAsync(VoiceSessionState.Reconnecting);
        Assert.Equal(SessionPhase.Recovering, session.Phase);
        _inbox.OnVoiceStateChanged(VoiceConnectionState.Ready);
        await _grain.NextStateAsync(VoiceSessionState.Active);

        Assert.Equal(SessionPhase.Live, session.Phase);
        Assert.False(session.Completion.IsCompleted);
        Assert.Empty(_discord.Posts);
        Assert.Equal(0, _parts.Disposals);
    }

    [Fact]
    public async Task A_Gemini_reconnect_is_recovery_too_and_the_session_is_live_only_when_both_sides_are_back()
    {
        var session = NewSession(maxMinutes: 120);
        session.Start();
        _time.Advance(TimeSpan.FromMinutes(30));

        _inbox.OnGeminiConnectionChanged(false);
        await _grain.NextStateAsync(VoiceSessionState.Reconnecting);
        Assert.Equal(SessionPhase.Recovering, session.Phase);

        // Voice drops too and comes back first: still recovering while Gemini is away. The warning that a lowered limit
        // posts at once is handled after those events (one queue), so once it is seen they were acted on.
        _inbox.OnVoiceStateChanged(VoiceConnectionState.Resuming);
        _inbox.OnVoiceStateChanged(VoiceConnectionState.Ready);
        session.OnSettingsChanged(new GuildOptions(MaxSessionMinutes: 31));
        await _discord.NextPostAsync();
        Assert.Equal(SessionPhase.Recovering, session.Phase);

        _inbox.OnGeminiConnectionChanged(true);
        await _grain.NextStateAsync(VoiceSessionState.Active);
        Assert.Equal(SessionPhase.Live, session.Phase);
        Assert.False(session.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_spent_daily_budget_ends_the_session_politely_through_the_terminal_path()
    {
        var session = NewSession();
        session.Start();
        await session.ReportStatsAsync();
        Assert.False(session.Completion.IsCompleted);

        _grain.BudgetReachedUsd = 2.5m;
        await session.ReportStatsAsync();
        var ending = await session.Completion.WaitAsync(Wait);

        Assert.Equal(SessionEndReason.BudgetReached, ending.Reason);
        var post = Assert.Single(_discord.Posts);
        Assert.Contains("today's conversation budget ($2.50)", post.Text, StringComparison.Ordinal);
        Assert.Contains("/usage", post.Text, StringComparison.Ordinal);
        Assert.Equal([(ulong)Guild], _discord.Left);
        Assert.Equal(1, _parts.Disposals);
        Assert.Equal(SessionEndReason.BudgetReached, Assert.Single(_grain.Ends).Reason);
    }

    [Fact]
    public async Task Without_an_origin_channel_the_session_still_ends_the_same_way()
    {
        var session = NewSession(origin: null);
        session.Start();

        _inbox.OnGeminiFailed(new GeminiLiveException(GeminiFailureKind.InvalidCredentials, "refused"));
        await session.Completion.WaitAsync(Wait);

        Assert.Empty(_discord.Posts);
        Assert.Single(_discord.Left);
        Assert.Single(_grain.Ends);
        Assert.Equal(1, _parts.Disposals);
    }

    private sealed class FakeParts : ISessionParts
    {
        private int _disposals;

        public int Disposals => Volatile.Read(ref _disposals);

        /// <summary>What the Gemini side hands off, and whether the parts were still open when it did.</summary>
        public GeminiHandoff Handoff { get; } = new("handle-7", [1, 2, 3, 4]);

        public int HandOffsBeforeDisposal { get; private set; }

        public Task<GeminiHandoff> HandOffGeminiAsync()
        {
            if (Disposals == 0)
            {
                HandOffsBeforeDisposal++;
            }

            return Task.FromResult(Handoff);
        }

        public SessionUsage TakeCounterDelta() => new(Turns: 1);

        public LatencyFigures MeasureLatency(DateTimeOffset now) => new(0, 0, 0, 0, null, null, now);

        public ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref _disposals);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FakeDiscord : IDiscordSessionActions
    {
        private readonly ConcurrentQueue<ulong> _left = new();
        private readonly ConcurrentQueue<(ulong Channel, string Text)> _posts = new();
        private readonly Channel<(ulong Channel, string Text)> _stream = Channel.CreateUnbounded<(ulong Channel, string Text)>();

        public IReadOnlyList<ulong> Left => [.. _left];

        public IReadOnlyList<(ulong Channel, string Text)> Posts => [.. _posts];

        public async Task<(ulong Channel, string Text)> NextPostAsync()
        {
            using var timeout = new CancellationTokenSource(Wait);
            return await _stream.Reader.ReadAsync(timeout.Token);
        }

        public Task LeaveVoiceChannelAsync(ulong guildId, CancellationToken cancellationToken)
        {
            _left.Enqueue(guildId);
            return Task.CompletedTask;
        }

        public Task PostMessageAsync(ulong channelId, string text, CancellationToken cancellationToken)
        {
            _posts.Enqueue((channelId, text));
            _stream.Writer.TryWrite((channelId, text));
            return Task.CompletedTask;
        }
    }

    private sealed class FakeGrain : IVoiceSessionGrain
    {
        private readonly ConcurrentQueue<(SessionEndReason Reason, string Detail)> _ends = new();
        private readonly ConcurrentQueue<SessionUsage> _completedLeaves = new();
        private readonly Channel<VoiceSessionState> _states = Channel.CreateUnbounded<VoiceSessionState>();

        public IReadOnlyList<(SessionEndReason Reason, string Detail)> Ends => [.. _ends];

        public IReadOnlyList<SessionUsage> CompletedLeaves => [.. _completedLeaves];

        public ConcurrentQueue<(string From, SessionHandoff Handoff)> Handoffs { get; } = new();

        public Task HandOffAsync(string fromGatewayId, SessionHandoff handoff)
        {
            Handoffs.Enqueue((fromGatewayId, handoff));
            return Task.CompletedTask;
        }

        public Task<SessionHandoff?> TakeHandoffAsync(string gatewayId) => throw new NotSupportedException();

        public async Task NextStateAsync(VoiceSessionState expected)
        {
            using var timeout = new CancellationTokenSource(Wait);
            Assert.Equal(expected, await _states.Reader.ReadAsync(timeout.Token));
        }

        public Task<VoiceSessionSnapshot> RecordEndAsync(string gatewayId, SessionEndReason reason, string detail, SessionUsage finalDelta)
        {
            _ends.Enqueue((reason, detail));
            return Task.FromResult(Snapshot());
        }

        public Task<VoiceSessionSnapshot> CompleteLeaveAsync(string gatewayId, SessionUsage finalDelta)
        {
            _completedLeaves.Enqueue(finalDelta);
            return Task.FromResult(Snapshot());
        }

        public Task<LeaseResult> ReportStateAsync(string gatewayId, VoiceSessionState state)
        {
            _states.Writer.TryWrite(state);
            return Task.FromResult(new LeaseResult(true, null, state, null));
        }

        public Task<JoinResult> JoinAsync(JoinRequest request) => throw new NotSupportedException();

        public Task<JoinResult> TakeOverAsync(string gatewayId, int shardId, int shardCount) => throw new NotSupportedException();

        public Task<LeaseResult> RenewLeaseAsync(string gatewayId, IVoiceSessionObserver observer) => throw new NotSupportedException();

        public Task<LeaseResult> RecordResumptionHandleAsync(string gatewayId, string? handle) => throw new NotSupportedException();

        /// <summary>What the next stats report answers about the guild's daily budget.</summary>
        public decimal? BudgetReachedUsd { get; set; }

        public Task<LeaseResult> RecordStatsAsync(string gatewayId, SessionUsage delta, LatencyFigures? latency) =>
            Task.FromResult(new LeaseResult(true, null, VoiceSessionState.Active, null, BudgetReachedUsd));

        public Task<VoiceSessionSnapshot> LeaveAsync(string reason) => throw new NotSupportedException();

        public Task NotifySettingsChangedAsync(GuildSettings settings) => throw new NotSupportedException();

        public Task<VoiceSessionSnapshot> GetAsync() => Task.FromResult(Snapshot());

        private static VoiceSessionSnapshot Snapshot() =>
            new(Guild, VoiceSessionState.Idle, null, null, null, null, SessionUsage.Zero, SessionUsage.Zero, null, null, null);
    }
}
