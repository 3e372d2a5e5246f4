using Chorus.Diagnostics;
using Chorus.Emulators.Gemini;
using Chorus.Gemini.Diagnostics;
using Chorus.Gemini.Events;

namespace Chorus.Gemini.Tests;

[EndToEnd]
public sealed class ConversationTests
{
    [Fact]
    public async Task GoAway_closes_the_old_transport_before_resuming_and_loses_no_audio()
    {
        var options = EmulatorFixture.Fast(GeminiReplyMode.Silent) with
        {
            GoAwayAfter = TimeSpan.FromMilliseconds(300),
            GoAwayTimeLeft = TimeSpan.FromSeconds(5),
            MaxGoAways = 1,
        };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        using var gaps = new HistogramValues(client.Metrics!.Meter, GeminiMetrics.Instruments.HandoverGap);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        var switched = listener.WaitForAsync<GeminiReconnected>();
        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 0, 30);
        var reconnected = await switched;
        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 30, 10);
        await emulator.Recording.WaitUntilAsync(r => Speech.Sequences(r.AllAudio()).Count >= 40, TimeSpan.FromSeconds(5));

        Assert.Equal(new GeminiReconnected(GeminiReconnectCause.GoAway, Resumed: true, "gemini-3.8-live"), reconnected);
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.Handovers));
        Assert.Equal(0, totals.Total(GeminiMetrics.Instruments.ConnectionsLost));
        Assert.Equal(0, totals.Total(GeminiMetrics.Instruments.ResumesRefused));
        var connections = emulator.Recording.Connections;
        Assert.Equal(2, connections.Count);
        Assert.True(connections[1].Resumed);
        Assert.Equal(connections[0].ConversationId, connections[1].ConversationId);
        await connections[0].Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(connections[0].ClosedByClient, "the old transport must be closed by us before the server cuts it");
        Assert.Equal(1000, connections[0].CloseCode);

        // Break before make: the service refuses a resume while the old socket is open.
        Assert.True(connections[0].ClosedAt <= connections[1].OpenedAt, $"old closed at {connections[0].ClosedAt:O}, new opened at {connections[1].OpenedAt:O}");
        Assert.Single(gaps.Values);

        // Audio spoken during the handover waited in the backlog; what the old socket never acknowledged went again
        // (counted), none is lost.
        var received = Speech.Sequences(emulator.Recording.AllAudio());
        Assert.Equal(Enumerable.Range(0, 40), received.Distinct());
        Assert.InRange(received.Count - 40, 0, totals.Total(GeminiMetrics.Instruments.AudioReplayed) / Speech.ChunkBytes);
    }

    [Fact]
    public async Task GoAway_during_a_reply_waits_for_the_turn_to_end_before_switching()
    {
        var reply = new byte[24_000 * 2 / 2];
        var options = EmulatorFixture.Fast(GeminiReplyMode.Fixed) with { FixedReplyPcm24k = reply };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        await using var conversation = new GeminiConversation(EmulatorFixture.Client(emulator), listener);
        await conversation.StartAsync();

        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 0, 10);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
        await listener.WaitForAudioAsync(1);
        await emulator.Recording.Connections[0].SendRawAsync("{\"goAway\":{\"timeLeft\":\"10s\"}}", true);
        await listener.WaitForAsync<GeminiReconnected>();

        // The switch happened only after the model finished, with the handle issued after its turn.
        var events = listener.Events.ToList();
        Assert.True(events.FindIndex(e => e is GeminiTurnComplete) < events.FindIndex(e => e is GeminiReconnected));
        var resumedWith = emulator.Recording.Connections[1].ResumeHandle;
        var issued = events.FindIndex(e => e is GeminiResumptionUpdate { IsUsable: true } u && u.NewHandle == resumedWith);
        Assert.True(issued > events.FindIndex(e => e is GeminiTurnComplete), "resumed with a handle from before the turn ended");
        Assert.Equal(reply.Length, listener.AudioBytes);
    }

    [Fact]
    public async Task Internal_error_mid_turn_resumes_with_the_handle_and_loses_no_user_audio()
    {
        var options = EmulatorFixture.Fast(GeminiReplyMode.Silent) with { InternalErrorAfterAudio = TimeSpan.FromMilliseconds(300) };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 0, 50);
        await listener.WaitForAsync<GeminiReconnected>();
        await emulator.Recording.WaitUntilAsync(r => Speech.Sequences(r.AllAudio()).Contains(49), TimeSpan.FromSeconds(5));

        var lost = Assert.Single(listener.Events.OfType<GeminiConnectionLost>());
        Assert.Equal(1011, lost.Close.Code);
        Assert.Equal(GeminiFailureKind.Transient, lost.Close.Kind);
        Assert.Contains(new GeminiReconnected(GeminiReconnectCause.ConnectionLost, Resumed: true, "gemini-3.8-live"), listener.Events);
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.Reconnects));
        var connections = emulator.Recording.Connections;
        Assert.Equal(2, connections.Count);
        Assert.True(connections[1].Resumed);
        Assert.Equal(connections[0].ConversationId, connections[1].ConversationId);

        // Every chunk reached the server; the replay after the drop may repeat a few, never skip one.
        var received = Speech.Sequences(emulator.Recording.AllAudio());
        Assert.Equal(Enumerable.Range(0, 50), received.Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 50), received.Distinct());
        Assert.InRange(received.Count - 50, 1, totals.Total(GeminiMetrics.Instruments.AudioReplayed) / Speech.ChunkBytes);
        Assert.True(received.Count - 50 <= 20, $"replayed more than was sent since the last acknowledgment: {received.Count - 50} chunks");
        Assert.Equal(GeminiConversationState.Connected, conversation.State);
    }

    [Fact]
    public async Task Internal_error_during_a_reply_resumes_answers_the_cut_turn_again_and_then_the_next_one()
    {
        var options = EmulatorFixture.Fast() with { InternalErrorDuringReply = true };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        await using var conversation = new GeminiConversation(EmulatorFixture.Client(emulator), listener);
        await conversation.StartAsync();

        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 0, 10);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
        await listener.WaitForAsync<GeminiReconnected>();
        await listener.WaitForAsync<GeminiTurnComplete>();
        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 10, 10);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
        await listener.WaitForAsync<GeminiTurnComplete>(occurrence: 2);

        // The cut answer acknowledged nothing (no generationComplete, turnComplete or handle), so the first
        // utterance went to the resumed session again and was answered there in full; each is answered once.
        var turns = emulator.Recording.Turns;
        Assert.Equal([1, 2, 3], turns.Select(t => t.Number));
        Assert.Null(turns[0].CompletedAt);
        Assert.All(turns.Skip(1), t => Assert.Equal(1, t.ConnectionIndex));
        Assert.All(turns.Skip(1), t => Assert.NotNull(t.CompletedAt));
        Assert.Equal(Enumerable.Range(0, 20), Speech.Sequences(emulator.Recording.Connections[1].AudioReceived()).Distinct());
        Assert.True(emulator.Recording.Connections[1].Resumed);
    }

    [Fact]
    public async Task A_bad_key_fails_fast_without_a_retry_storm()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var options = EmulatorFixture.Client(emulator) with { ApiKey = "expired-key-secret-42" };
        var logger = new CapturingLogger();
        using var totals = EmulatorFixture.Totals(options);
        await using var conversation = new GeminiConversation(options, new RecordingListener(), logger);

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => conversation.StartAsync());

        Assert.Equal(GeminiFailureKind.InvalidCredentials, error.Kind);
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.ConnectAttempts));
        Assert.Equal(0, totals.Total(GeminiMetrics.Instruments.ConnectRetries));
        Assert.Equal(1, emulator.Recording.ConnectionAttempts);
        Assert.Equal(GeminiConversationState.Failed, conversation.State);
        Assert.Same(error, await conversation.Completion);
        await Assert.ThrowsAsync<GeminiLiveException>(() => conversation.SendAudioAsync(Speech.Chunk(0)).AsTask());
        Assert.DoesNotContain(logger.Lines, l => l.Contains("expired-key-secret-42", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Contains("InvalidCredentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quota_exhaustion_opens_the_circuit_after_two_attempts()
    {
        var options = EmulatorFixture.Fast() with { RejectSetup = new GeminiCloseScript(1011, "RESOURCE_EXHAUSTED: Maximum concurrent sessions reached.") };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, new RecordingListener());

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => conversation.StartAsync());

        Assert.Equal(GeminiFailureKind.QuotaExhausted, error.Kind);
        Assert.Equal(2, totals.Total(GeminiMetrics.Instruments.ConnectAttempts));
        Assert.Equal(2, emulator.Recording.ConnectionAttempts);
    }

    [Fact]
    public async Task Transient_setup_failures_are_retried_with_backoff_until_the_time_budget_runs_out()
    {
        var options = EmulatorFixture.Fast() with { RejectSetup = new GeminiCloseScript(1011, "The service is currently unavailable.") };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, new RecordingListener());
        var started = TimeProvider.System.GetTimestamp();

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => conversation.StartAsync());

        Assert.Equal(GeminiFailureKind.Transient, error.Kind);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= EmulatorFixture.GiveUpAfter, "gave up before the budget was spent");

        // Backoff of 20 ms doubling to 200 ms (with jitter) over 2 s: a handful of attempts, never a storm.
        Assert.InRange(totals.Total(GeminiMetrics.Instruments.ConnectAttempts), 5, 40);
        Assert.Equal(totals.Total(GeminiMetrics.Instruments.ConnectAttempts) - 1, totals.Total(GeminiMetrics.Instruments.ConnectRetries));
        Assert.Equal(totals.Total(GeminiMetrics.Instruments.ConnectAttempts), emulator.Recording.ConnectionAttempts);
    }

    [Fact]
    public async Task A_server_that_never_completes_setup_hits_the_connect_timeout_on_each_attempt()
    {
        var options = EmulatorFixture.Fast() with { IgnoreSetup = true };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var client = EmulatorFixture.Client(emulator) with
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
            Reconnect = new GeminiReconnectPolicy { GiveUpAfter = TimeSpan.FromMilliseconds(100), BaseDelay = TimeSpan.FromMilliseconds(10) },
        };
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, new RecordingListener());

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => conversation.StartAsync());

        // The first timeout (300 ms) spends the whole 100 ms budget: one retry would already be past it.
        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.ConnectAttempts));
        Assert.Equal(1, emulator.Recording.ConnectionAttempts);
    }

    [Fact]
    public async Task A_service_that_drops_every_connection_right_away_ends_the_conversation()
    {
        var options = EmulatorFixture.Fast() with { CloseAfterSetup = new GeminiCloseScript(1011, "Internal error encountered.") };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        var error = await conversation.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(error);
        Assert.Contains("in a row", error.Message, StringComparison.Ordinal);
        Assert.Equal(GeminiConversationState.Failed, conversation.State);

        // Each drop is followed by a backoff (20 ms doubling to 200 ms, jittered) until the 2 s budget is spent:
        // a handful of connections, never a storm.
        Assert.InRange(totals.Total(GeminiMetrics.Instruments.ConnectionsLost), 4, 40);
        Assert.InRange(emulator.Recording.ConnectionAttempts, totals.Total(GeminiMetrics.Instruments.ConnectionsLost), 2 * totals.Total(GeminiMetrics.Instruments.ConnectionsLost));
        Assert.Same(error, (await listener.WaitForAsync<GeminiConversationFailed>()).Error);
    }

    [Fact]
    public async Task A_persisted_handle_resumes_the_conversation_in_a_new_process()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        string handle;
        var listener = new RecordingListener();
        await using (var first = new GeminiConversation(EmulatorFixture.Client(emulator), listener))
        {
            await first.StartAsync();
            await first.SendTextTurnAsync("remember me");
            await listener.WaitForAsync<GeminiTurnComplete>();
            await listener.WaitForAsync<GeminiResumptionUpdate>(u => u.IsUsable, occurrence: 2);
            handle = first.ResumptionHandle!;
        }

        await using var second = new GeminiConversation(EmulatorFixture.Client(emulator), new RecordingListener());
        await second.StartAsync(resumeHandle: handle);

        var connections = emulator.Recording.Connections;
        Assert.Equal(handle, connections[1].ResumeHandle);
        Assert.True(connections[1].Resumed);
        Assert.Equal(connections[0].ConversationId, connections[1].ConversationId);
        Assert.True(second.CurrentSession!.Resumed);
    }

    [Fact]
    public async Task A_refused_resume_drops_the_handle_and_starts_one_fresh_session()
    {
        var options = EmulatorFixture.Fast() with { RefuseResumption = true };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, new RecordingListener());

        await conversation.StartAsync(resumeHandle: "stale-handle");

        Assert.Equal(GeminiConversationState.Connected, conversation.State);
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.ResumesRefused));
        var connections = emulator.Recording.Connections;
        Assert.Equal(2, connections.Count);
        Assert.Equal("stale-handle", connections[0].ResumeHandle);
        Assert.Equal(1007, connections[0].CloseCode);
        Assert.Null(connections[1].ResumeHandle);
        Assert.True(connections[1].SetupCompleted);
    }

    [Fact]
    public async Task A_refused_model_falls_back_to_the_next_configured_one()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var options = EmulatorFixture.Client(emulator, "gemini-9-live") with { FallbackModels = ["gemini-3.1-flash-live-preview"] };
        using var totals = EmulatorFixture.Totals(options);
        await using var conversation = new GeminiConversation(options, new RecordingListener());

        await conversation.StartAsync();

        Assert.Equal("gemini-3.1-flash-live-preview", conversation.Model);
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.ModelFallbacks));
        Assert.Equal(["gemini-9-live", "gemini-3.1-flash-live-preview"], emulator.Recording.Connections.Select(c => c.Model));
    }

    [Fact]
    public async Task Persona_change_uses_context_update_where_supported_else_a_fresh_session()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var listener = new RecordingListener();
        var live38Client = EmulatorFixture.Client(emulator);
        using var live38Totals = EmulatorFixture.Totals(live38Client);
        await using (var live38 = new GeminiConversation(live38Client, listener))
        {
            await live38.StartAsync();
            Assert.Equal(GeminiPersonaChange.InPlace, live38.PersonaChange);
            Assert.Equal(GeminiPersonaChange.InPlace, await live38.UpdatePersonaAsync("You are a pirate."));
            await emulator.Recording.WaitUntilAsync(r => r.Connections[0].ContextUpdates.Count == 1, TimeSpan.FromSeconds(5));
            Assert.Single(emulator.Recording.Connections);
            Assert.Equal(0, live38Totals.Total(GeminiMetrics.Instruments.FreshSessions));
        }

        var live31Client = EmulatorFixture.Client(emulator, "gemini-3.1-flash-live-preview");
        using var live31Totals = EmulatorFixture.Totals(live31Client);
        await using var live31 = new GeminiConversation(live31Client, listener);
        await live31.StartAsync();
        Assert.Equal(GeminiPersonaChange.NewSession, await live31.UpdatePersonaAsync("You are a robot."));

        var connections = emulator.Recording.Connections;
        Assert.Equal(3, connections.Count);
        Assert.Equal("You are a robot.", connections[2].SystemInstruction);
        Assert.Null(connections[2].ResumeHandle);
        Assert.Empty(connections[1].ContextUpdates);
        Assert.Equal(1, live31Totals.Total(GeminiMetrics.Instruments.FreshSessions));
        Assert.Contains(new GeminiReconnected(GeminiReconnectCause.PersonaChange, Resumed: false, "gemini-3.1-flash-live-preview"), listener.Events);
        await connections[1].Closed.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Malformed_messages_are_counted_across_the_conversation()
    {
        var options = EmulatorFixture.Fast() with { SendMalformedAfterSetup = true };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        await conversation.SendTextTurnAsync("hi");
        await listener.WaitForAsync<GeminiTurnComplete>();

        Assert.Equal(3, totals.Total(GeminiMetrics.Instruments.MessagesDropped, GeminiMetrics.Malformed));
        Assert.Equal(GeminiConversationState.Connected, conversation.State);
    }

    [Fact]
    public async Task The_key_never_appears_in_logs_urls_or_exceptions_of_a_whole_conversation()
    {
        var options = EmulatorFixture.Fast() with { InternalErrorDuringReply = true };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var logger = new CapturingLogger();
        await using (var conversation = new GeminiConversation(EmulatorFixture.Client(emulator), listener, logger))
        {
            await conversation.StartAsync();
            await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 0, 10);
            await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
            await listener.WaitForAsync<GeminiReconnected>();
        }

        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(logger.Lines, l => l.Contains(EmulatorFixture.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, l => l.Contains("helpful parrot", StringComparison.Ordinal));
        Assert.All(emulator.Recording.Connections, c =>
        {
            Assert.False(c.KeyInQuery);
            Assert.DoesNotContain(EmulatorFixture.Key, c.Path, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(listener.Events, e => e.ToString().Contains(EmulatorFixture.Key, StringComparison.Ordinal));
    }
}
