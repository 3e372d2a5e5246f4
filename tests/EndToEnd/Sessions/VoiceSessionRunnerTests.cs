using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Send;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;
using Chorus.Gateway.Hosting;
using Chorus.Gateway.Sessions;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace Chorus.EndToEnd.Sessions;

/// <summary>
/// A session run the way the gateway runs it: planned by the grain, connected to both emulators,
/// steered by the grain's pushes (persona change, leave) and recorded back into the grain.
/// </summary>
[EndToEnd]
public sealed class VoiceSessionRunnerTests : IAsyncLifetime
{
    private const ulong Bot = 1;
    private const ulong Alice = 77;
    private const ulong Channel = 9;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private InProcessTestCluster _cluster = null!;
    private EmulatedVoiceServer _voice = null!;
    private GeminiLiveEmulator _gemini = null!;
    private SessionLeaseKeeper _leases = null!;
    private VoiceSessionRunner _runner = null!;
    private SessionControlDispatcher _dispatcher = null!;
    private readonly RecordingDiscordActions _discord;
    private readonly TimerCensus _timers = new();
    private readonly VoicePacingClock _clock = new();
    // Notified after each call that changes a voice-session grain, each change the voice emulator reports and each turn
    // a bridge completes: what the waits below re-check on.
    private readonly ChangeSignal _changed = new();

    public VoiceSessionRunnerTests() => _discord = new RecordingDiscordActions(_changed.Notify);

    public async ValueTask InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorageAsDefault();
            SiloConfiguration.AddGrainServices(silo.Services, configuration);
        });
        builder.ConfigureClient(client => client.AddOutgoingGrainCallFilter(async call =>
        {
            try
            {
                await call.Invoke();
            }
            finally
            {
                // Reads (GetAsync, the waits' own checks) change nothing and must not wake the waits that make them.
                if (call.InterfaceMethod is { } method && method.DeclaringType == typeof(IVoiceSessionGrain) && method.Name != nameof(IVoiceSessionGrain.GetAsync))
                {
                    _changed.Notify();
                }
            }
        }));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        // Discord requires DAVE: the bot and the scripted users form an MLS group in every call here.
        _voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        _voice.Changed += _changed.Notify;
        _gemini = await GeminiLiveEmulator.StartAsync();
        _leases = new SessionLeaseKeeper(_cluster.Client, Options.Create(new GatewayOptions { Id = "gw-e2e" }),
            Options.Create(new VoiceSessionOptions()), TimeProvider.System, NullLogger<SessionLeaseKeeper>.Instance);
        _runner = new VoiceSessionRunner(_cluster.Client, _leases,
            Options.Create(new GeminiClientOptions { ApiKey = "emulator-key", BaseUrl = _gemini.BaseUri }),
            NullLoggerFactory.Instance, _discord, voiceOptions: o => o with { UseTls = false, Clock = _clock }, time: _timers);
        // The runner forgets an ended session after the grain was told, so the waits on IsRunning need this wake-up too.
        _runner.SessionEnded += (_, _) => _changed.Notify();
        _dispatcher = new SessionControlDispatcher(_leases, _runner, NullLogger<SessionControlDispatcher>.Instance);
        await _leases.StartAsync(CancellationToken.None);
        await _dispatcher.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _dispatcher.StopAsync(CancellationToken.None);
        await _runner.DisposeAsync();
        await _leases.StopAsync(CancellationToken.None);
        _leases.Dispose();
        await _gemini.DisposeAsync();
        await _voice.DisposeAsync();
        await _cluster.DisposeAsync();
        _clock.Dispose();
    }

    private async Task<(long GuildId, IVoiceSessionGrain Grain)> StartSessionAsync()
    {
        var guildId = Random.Shared.NextInt64(1, 1L << 40);
        var grain = _cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        var plan = await grain.JoinAsync(new JoinRequest(ChannelId: Channel, GatewayId: "gw-e2e", RequestedBy: Alice));
        var c = _voice.CreateCredentials((ulong)guildId, Bot, Channel);
        await _runner.StartAsync(guildId, plan, new VoiceServerCredentials(c.Endpoint, c.GuildId, c.UserId, c.SessionId, c.Token),
            new CancellationTokenSource(Timeout).Token);
        return (guildId, grain);
    }

    [Fact]
    public async Task A_planned_session_becomes_active_converses_and_records_its_handle()
    {
        var (guildId, grain) = await StartSessionAsync();
        var alice = _voice.AddScriptedUser((ulong)guildId, Alice, recordSampleRate: 24000);

        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.6), 48000);
        var heard = await alice.WaitForHeardAsync(Bot, 24000 * 6 / 10 + 2400, Timeout);
        await WaitUntilAsync(async () => (await grain.GetAsync()).ResumptionHandle is not null, "a resumption handle in the grain");
        var snapshot = await grain.GetAsync();

        Assert.Equal(VoiceSessionState.Active, snapshot.State);
        Assert.Equal("gw-e2e", snapshot.OwnerGatewayId);
        // The conversation ran end to end encrypted: the bot's DaveSession and Alice's agree on the epoch's privacy code.
        Assert.Equal(1, _voice.GetParticipant((ulong)guildId, Bot)!.MaxDaveVersion);
        Assert.Equal(1, _runner.VoiceOf(guildId)!.DaveProtocolVersion);
        Assert.NotNull(alice.Dave!.PrivacyCode);
        Assert.True(_voice.Counters.DaveFramesRelayed >= 25, $"{_voice.Counters.DaveFramesRelayed} encrypted frames from the bot");
        var (correlation, _) = AudioSignals.BestCorrelation(AudioSignals.Chirp(24000, 0.6), heard, 9600);
        Assert.True(correlation > 0.7, $"echo correlation {correlation:F3}");
    }

    [Fact]
    public async Task A_persona_change_reaches_the_live_conversation_without_leaving()
    {
        var (guildId, grain) = await StartSessionAsync();

        await _cluster.Client.GetGrain<IGuildSettingsGrain>(guildId).SetPersonaAsync("You are now a sea captain.", Alice);
        await _gemini.Recording.WaitUntilAsync(
            r => r.Connections.Any(c => c.ContextUpdates.Contains("You are now a sea captain.")), Timeout);

        Assert.True(_runner.IsRunning(guildId));
        Assert.Equal(VoiceSessionState.Active, (await grain.GetAsync()).State);
        Assert.NotNull(_voice.GetParticipant((ulong)guildId, Bot));
    }

    [Fact]
    public async Task Leave_closes_both_sides_and_records_the_counters()
    {
        var (guildId, grain) = await StartSessionAsync();
        var alice = _voice.AddScriptedUser((ulong)guildId, Alice, recordSampleRate: 24000);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.6), 48000);
        await alice.WaitForHeardAsync(Bot, 24000 * 6 / 10, Timeout);
        await WaitForTurnAsync(guildId);

        await grain.LeaveAsync("slash command");
        await WaitUntilAsync(async () => (await grain.GetAsync()).State == VoiceSessionState.Idle, "the session to end");
        var snapshot = await grain.GetAsync();
        // The end is recorded with the grain before the runner lets the session go: wait for the second, not just the first.
        await WaitUntilAsync(() => Task.FromResult(!_runner.IsRunning(guildId)), "the runner to let the session go");

        Assert.Equal(1, snapshot.Lifetime.Turns);
        Assert.True(snapshot.Lifetime.AudioSecondsIn > 0.5, $"{snapshot.Lifetime.AudioSecondsIn} s in");
        Assert.True(snapshot.Lifetime.AudioSecondsOut > 0.5, $"{snapshot.Lifetime.AudioSecondsOut} s out");
        await WaitUntilAsync(() => Task.FromResult(_voice.GetParticipant((ulong)guildId, Bot) is not { Connected: true }), "the voice socket to close");
        await _gemini.Recording.Connections[^1].Closed.WaitAsync(Timeout);
        Assert.True(_gemini.Recording.Connections[^1].ClosedByClient);
    }

    [Fact]
    public async Task Gateway_shutdown_ends_every_session_cleanly_and_records_its_counters()
    {
        var (first, firstGrain) = await StartSessionAsync();
        var (second, secondGrain) = await StartSessionAsync();
        var alice = _voice.AddScriptedUser((ulong)first, Alice, recordSampleRate: 24000);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.5), 48000);
        await alice.WaitForHeardAsync(Bot, 24000 * 5 / 10, Timeout);
        await WaitForTurnAsync(first);

        await _runner.DisposeAsync();

        Assert.False(_runner.IsRunning(first));
        Assert.False(_runner.IsRunning(second));
        var firstSnapshot = await firstGrain.GetAsync();
        var secondSnapshot = await secondGrain.GetAsync();
        Assert.Equal(VoiceSessionState.Idle, firstSnapshot.State);
        Assert.Equal(VoiceSessionState.Idle, secondSnapshot.State);
        Assert.Equal(1, firstSnapshot.Lifetime.Turns);
        Assert.True(firstSnapshot.Lifetime.AudioSecondsIn > 0.4, $"{firstSnapshot.Lifetime.AudioSecondsIn} s in");
        Assert.Equal(0, secondSnapshot.Lifetime.Turns);
        Assert.Equal(0, _clock.SenderCount);
        Assert.Equal(0, _timers.Alive);
        await WaitUntilAsync(() => Task.FromResult(_voice.GetParticipant((ulong)first, Bot) is not { Connected: true }
            && _voice.GetParticipant((ulong)second, Bot) is not { Connected: true }), "both voice sockets to close");
        await Task.WhenAll(_gemini.Recording.Connections.Select(c => c.Closed)).WaitAsync(Timeout);
        Assert.All(_gemini.Recording.Connections, c => Assert.True(c.ClosedByClient, "every Gemini socket was closed by the bot"));
    }

    [Fact]
    public async Task Leave_leaves_no_socket_timer_task_or_clock_registration_behind()
    {
        var (guildId, grain) = await StartSessionAsync();
        var voice = _runner.VoiceOf(guildId)!;
        var conversation = _runner.ConversationOf(guildId)!;
        var alice = _voice.AddScriptedUser((ulong)guildId, Alice, recordSampleRate: 24000);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.4), 48000);
        await alice.WaitForHeardAsync(Bot, 24000 * 4 / 10, Timeout);
        Assert.Equal(1, _clock.SenderCount);
        Assert.True(_timers.Alive >= 2, $"the bridge's mixer and uplink gate timers are live: {_timers.Alive}");

        await grain.LeaveAsync("slash command");
        await WaitUntilAsync(() => Task.FromResult(!_runner.IsRunning(guildId)), "the runner to drop the session");
        await WaitUntilAsync(async () => (await grain.GetAsync()).State == VoiceSessionState.Idle, "the session to end");

        // Nothing of the conversation keeps running: no paced sender, no timer, no supervisor, no socket.
        Assert.Equal(0, _clock.SenderCount);
        Assert.Equal(0, _timers.Alive);
        Assert.Equal(VoiceConnectionState.Closed, voice.State);
        Assert.Equal(Chorus.Gemini.GeminiConversationState.Disposed, conversation.State);
        Assert.True(conversation.Completion.IsCompleted, "the Gemini supervisor has ended");
        await WaitUntilAsync(() => Task.FromResult(_voice.GetParticipant((ulong)guildId, Bot) is not { Connected: true }), "the voice socket to close");
        Assert.All(_gemini.Recording.Connections, c => Assert.True(c.Closed.IsCompleted, "every Gemini socket is closed"));
    }

    [Fact]
    public async Task A_leave_from_the_command_and_one_from_the_grain_at_once_end_the_session_once_with_its_counters()
    {
        var (guildId, grain) = await StartSessionAsync();
        var alice = _voice.AddScriptedUser((ulong)guildId, Alice, recordSampleRate: 24000);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.6), 48000);
        await alice.WaitForHeardAsync(Bot, 24000 * 6 / 10, Timeout);
        await WaitUntilAsync(() => Task.FromResult(_runner.BridgeOf(guildId)!.Usage.Turns >= 1), "the turn to complete");

        // /leave stops the session here while the grain's push asks for the same: the second caller arrives while
        // the first is still closing the sockets, and must neither end the grain's session first (losing the
        // counters) nor return before the session is closed.
        var fromCommand = _runner.StopAsync(guildId, "left", CancellationToken.None);
        var fromGrain = _runner.StopAsync(guildId, "slash command", CancellationToken.None);
        Assert.False(fromCommand.IsCompleted, "closing the sockets takes a while: the two calls overlap");
        await fromGrain.WaitAsync(Timeout);
        var whenSecondReturned = await grain.GetAsync();
        await fromCommand.WaitAsync(Timeout);

        Assert.Equal(VoiceSessionState.Idle, whenSecondReturned.State);
        Assert.Equal(1, whenSecondReturned.Lifetime.Turns);
        Assert.True(whenSecondReturned.Lifetime.AudioSecondsIn > 0.5, $"{whenSecondReturned.Lifetime.AudioSecondsIn} s in");
        Assert.False(_runner.IsRunning(guildId));
        Assert.Equal(0, _clock.SenderCount);
        Assert.Equal([(ulong)guildId], _discord.LeftVoice);
    }

    [Fact]
    public async Task Transcripts_of_a_turn_go_to_the_guilds_text_channel()
    {
        var posts = _discord.Posts;
        var guildId = Random.Shared.NextInt64(1, 1L << 40);
        await _cluster.Client.GetGrain<IGuildSettingsGrain>(guildId).SetOptionsAsync(new GuildOptions(TranscriptChannelId: 4444), Alice);
        var grain = _cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        var plan = await grain.JoinAsync(new JoinRequest(Channel, "gw-e2e", Alice));
        var c = _voice.CreateCredentials((ulong)guildId, Bot, Channel);
        await _runner.StartAsync(guildId, plan, new VoiceServerCredentials(c.Endpoint, c.GuildId, c.UserId, c.SessionId, c.Token),
            new CancellationTokenSource(Timeout).Token);
        var alice = _voice.AddScriptedUser((ulong)guildId, Alice, recordSampleRate: 24000);

        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.6), 48000);
        // A turn the emulator's VAD split or cut short posts only what was heard; wait for the answered one.
        var received = new List<(ulong Channel, string Text)>();
        using var deadline = new CancellationTokenSource(Timeout);
        while (!received.Any(p => p.Text.Contains("**Said:**", StringComparison.Ordinal)))
        {
            received.Add(await posts.Reader.ReadAsync(deadline.Token));
        }

        Assert.All(received, p => Assert.Equal(4444UL, p.Channel));
        Assert.Contains(received, p => p.Text.Contains("**Heard:**", StringComparison.Ordinal) && p.Text.Contains("**Said:**", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_revoked_Gemini_key_ends_the_session_with_one_message_where_it_was_started_and_the_bot_leaves_within_two_seconds()
    {
        const ulong origin = 4321;
        var guildId = Random.Shared.NextInt64(1, 1L << 40);
        var grain = _cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        var plan = await grain.JoinAsync(new JoinRequest(Channel, "gw-e2e", Alice, OriginChannelId: origin));
        var c = _voice.CreateCredentials((ulong)guildId, Bot, Channel);
        await _runner.StartAsync(guildId, plan, new VoiceServerCredentials(c.Endpoint, c.GuildId, c.UserId, c.SessionId, c.Token),
            new CancellationTokenSource(Timeout).Token);
        var conversation = _runner.ConversationOf(guildId)!;

        var revokedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        await _gemini.RevokeKeyAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        var post = await _discord.Posts.Reader.ReadAsync(deadline.Token);
        var posted = System.Diagnostics.Stopwatch.GetElapsedTime(revokedAt);
        await WaitUntilAsync(() => Task.FromResult(_discord.LeftVoice.Contains((ulong)guildId)), "the bot to leave voice");
        var left = System.Diagnostics.Stopwatch.GetElapsedTime(revokedAt, _discord.LeftAt((ulong)guildId));
        await WaitUntilAsync(async () => (await grain.GetAsync()).HasEnded, "the grain to record the end");
        var snapshot = await grain.GetAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"revoked key -> message posted {posted.TotalMilliseconds:0} ms, bot left {left.TotalMilliseconds:0} ms");

        Assert.Equal(origin, post.Channel);
        Assert.Contains("API key was refused", post.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("emulator-key", post.Text, StringComparison.Ordinal);
        Assert.True(posted < TimeSpan.FromSeconds(2), $"message posted {posted.TotalMilliseconds:0} ms after the key was revoked");
        Assert.True(left < TimeSpan.FromSeconds(2), $"bot left {left.TotalMilliseconds:0} ms after the key was revoked");
        Assert.Equal(SessionEndReason.GeminiFailed, snapshot.EndReason);
        Assert.Equal(post.Text, snapshot.LastLeaveReason);
        Assert.Equal(VoiceSessionState.Idle, snapshot.State);
        Assert.False(_runner.IsRunning(guildId));
        Assert.Equal(Chorus.Gemini.GeminiConversationState.Disposed, conversation.State);
        await WaitUntilAsync(() => Task.FromResult(_voice.GetParticipant((ulong)guildId, Bot) is not { Connected: true }), "the voice socket to close");
        Assert.False(_discord.Posts.Reader.TryRead(out var second), $"one message only, then: {second.Text}");
        Assert.Single(_discord.LeftVoice, g => g == (ulong)guildId);
    }

    [Fact]
    public async Task A_lease_lost_to_nobody_ends_the_session_and_says_so()
    {
        const ulong origin = 4321;
        var guildId = Random.Shared.NextInt64(1, 1L << 40);
        var grain = _cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        var plan = await grain.JoinAsync(new JoinRequest(Channel, "gw-e2e", Alice, OriginChannelId: origin));
        var c = _voice.CreateCredentials((ulong)guildId, Bot, Channel);
        await _runner.StartAsync(guildId, plan, new VoiceServerCredentials(c.Endpoint, c.GuildId, c.UserId, c.SessionId, c.Token),
            new CancellationTokenSource(Timeout).Token);

        // The cluster forgets the session behind the gateway's back (here: ended for it); nobody else runs it.
        await grain.CompleteLeaveAsync("gw-e2e", SessionUsage.Zero);
        await _leases.RenewAllAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        var post = await _discord.Posts.Reader.ReadAsync(deadline.Token);
        await WaitUntilAsync(() => Task.FromResult(!_runner.IsRunning(guildId)), "the runner to end the session");

        Assert.Equal(origin, post.Channel);
        Assert.Contains("/join", post.Text, StringComparison.Ordinal);
        Assert.Contains((ulong)guildId, _discord.LeftVoice);
        Assert.Equal(SessionEndReason.LeaseLost, (await grain.GetAsync()).EndReason);
    }

    [Fact]
    public async Task A_session_after_one_that_failed_runs_normally()
    {
        var guildId = Random.Shared.NextInt64(1, 1L << 40);
        var grain = _cluster.Client.GetGrain<IVoiceSessionGrain>(guildId);
        var plan = await grain.JoinAsync(new JoinRequest(Channel, "gw-e2e", Alice, OriginChannelId: 4321));
        var c = _voice.CreateCredentials((ulong)guildId, Bot, Channel);
        await _runner.StartAsync(guildId, plan, new VoiceServerCredentials(c.Endpoint, c.GuildId, c.UserId, c.SessionId, c.Token),
            new CancellationTokenSource(Timeout).Token);
        await _runner.EndAsync(guildId, SessionNotices.GeminiFailed(Chorus.Gemini.GeminiFailureKind.QuotaExhausted), CancellationToken.None)
            .WaitAsync(Timeout);
        Assert.Equal(SessionEndReason.GeminiFailed, (await grain.GetAsync()).EndReason);

        var again = await grain.JoinAsync(new JoinRequest(Channel, "gw-e2e", Alice, OriginChannelId: 4321));
        c = _voice.CreateCredentials((ulong)guildId, Bot, Channel);
        await _runner.StartAsync(guildId, again, new VoiceServerCredentials(c.Endpoint, c.GuildId, c.UserId, c.SessionId, c.Token),
            new CancellationTokenSource(Timeout).Token);
        var alice = _voice.AddScriptedUser((ulong)guildId, Alice, recordSampleRate: 24000);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.5), 48000);
        await alice.WaitForHeardAsync(Bot, 24000 * 5 / 10, Timeout);

        var snapshot = await grain.GetAsync();
        Assert.Equal(JoinOutcome.Started, again.Outcome);
        Assert.Equal(VoiceSessionState.Active, snapshot.State);
        Assert.Null(snapshot.EndReason);
        Assert.Equal(SessionPhase.Live, _runner.PhaseOf(guildId));
    }

    /// <summary>Until a condition on the cluster or the emulators holds, re-checked whenever <see cref="_changed"/> fires.</summary>
    private Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Wait.UntilAsync(condition, _changed, Timeout, () => what);

    private async Task WaitForTurnAsync(long guildId)
    {
        var bridge = _runner.BridgeOf(guildId)!;
        bridge.TurnCompleted += _changed.Notify;
        try
        {
            await WaitUntilAsync(() => Task.FromResult(bridge.Usage.Turns >= 1), "the turn to complete");
        }
        finally
        {
            bridge.TurnCompleted -= _changed.Notify;
        }
    }

    /// <summary>The Discord side of the sessions: what the runner asked of it.</summary>
    private sealed class RecordingDiscordActions(Action changed) : IDiscordSessionActions
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<ulong> _left = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, long> _leftAt = new();

        public System.Threading.Channels.Channel<(ulong Channel, string Text)> Posts { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(ulong Channel, string Text)>();

        public IReadOnlyList<ulong> LeftVoice => [.. _left];

        /// <summary>When the bot first left the guild's voice channel (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
        public long LeftAt(ulong guildId) => _leftAt[guildId];

        public Task LeaveVoiceChannelAsync(ulong guildId, CancellationToken cancellationToken)
        {
            _leftAt.TryAdd(guildId, System.Diagnostics.Stopwatch.GetTimestamp());
            _left.Enqueue(guildId);
            changed();
            return Task.CompletedTask;
        }

        public Task PostMessageAsync(ulong channelId, string text, CancellationToken cancellationToken) =>
            Posts.Writer.WriteAsync((channelId, text), cancellationToken).AsTask();
    }
}
