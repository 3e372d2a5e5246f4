using Chorus.Diagnostics;
using Chorus.Emulators.Gemini;
using Chorus.Gemini.Diagnostics;
using Chorus.Gemini.Events;

namespace Chorus.Gemini.Tests;

/// <summary>Session continuity under the real service's rules, as the strict emulator enforces them.</summary>
[EndToEnd]
public sealed class HandoverTests
{
    [Fact]
    public async Task Twenty_goAway_handovers_are_break_before_make_with_no_refused_resume_and_no_lost_audio()
    {
        const int Handovers = 20;
        var options = EmulatorFixture.Fast(GeminiReplyMode.Silent) with
        {
            GoAwayAfter = TimeSpan.FromMilliseconds(250),
            GoAwayTimeLeft = TimeSpan.FromSeconds(10),
            MaxGoAways = Handovers,
        };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        using var handoverGaps = new HistogramValues(client.Metrics!.Meter, GeminiMetrics.Instruments.HandoverGap);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        var sequence = 0;
        while (listener.Count<GeminiReconnected>() < Handovers)
        {
            Assert.True(sequence < 3000, "20 handovers did not happen within a minute of speech");
            await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), sequence, 10);
            sequence += 10;
        }

        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), sequence, 10);
        sequence += 10;
        await emulator.Recording.WaitUntilAsync(r => Speech.Sequences(r.AllAudio()).Contains(sequence - 1), TimeSpan.FromSeconds(10));

        var connections = emulator.Recording.Connections;
        Assert.Equal(Handovers + 1, connections.Count);
        Assert.All(connections, c => Assert.False(c.RefusedWhileHeld, $"connection {c.Index} was refused: the old socket was still open"));
        Assert.All(connections.Skip(1), c => Assert.True(c.Resumed));
        Assert.Single(connections.Select(c => c.ConversationId).Distinct());
        for (var i = 1; i < connections.Count; i++)
        {
            Assert.True(connections[i - 1].ClosedAt <= connections[i].OpenedAt, $"connection {i} opened before {i - 1} closed");
        }

        Assert.Equal(0, totals.Total(GeminiMetrics.Instruments.ResumesRefused));
        Assert.Equal(0, totals.Total(GeminiMetrics.Instruments.ConnectionsLost));
        Assert.All(listener.Events.OfType<GeminiReconnected>(), r => Assert.Equal(GeminiReconnectCause.GoAway, r.Cause));
        var received = Speech.Sequences(emulator.Recording.AllAudio());
        Assert.Equal(Enumerable.Range(0, sequence), received.Distinct());
        Assert.Equal(0, totals.Total(GeminiMetrics.Instruments.AudioDropped));

        var gaps = handoverGaps.Values.Order().Select(TimeSpan.FromSeconds).ToList();
        Assert.Equal(Handovers, gaps.Count);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"handover gap over {gaps.Count} goAways: p50 {gaps[gaps.Count / 2].TotalMilliseconds:0.0} ms, max {gaps[^1].TotalMilliseconds:0.0} ms; " +
            $"refused resumes {totals.Total(GeminiMetrics.Instruments.ResumesRefused)}; duplicated chunks {received.Count - sequence}");
        Assert.True(gaps[^1] < TimeSpan.FromSeconds(2), $"max handover gap {gaps[^1]}");
    }

    [Fact]
    public async Task A_server_that_closes_1011_after_every_answered_turn_keeps_the_conversation_for_30_turns()
    {
        const int Turns = 30;
        var options = EmulatorFixture.Fast() with { InternalErrorEveryTurns = 1 };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        for (var turn = 1; turn <= Turns; turn++)
        {
            await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), turn * 100, 8);
            await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
            await listener.WaitForAsync<GeminiTurnComplete>(occurrence: turn);
            Assert.Null(conversation.Failure);
        }

        await listener.WaitForAsync<GeminiConnectionLost>(occurrence: Turns);
        var turns = emulator.Recording.Turns;
        Assert.Equal(Turns, turns.Count);
        Assert.Equal(Enumerable.Range(1, Turns), turns.Select(t => t.Number));
        Assert.All(turns, t => Assert.NotNull(t.CompletedAt));
        Assert.Single(turns.Select(t => t.ConversationId).Distinct());
        Assert.Equal(Turns, listener.Count<GeminiTurnComplete>());
        Assert.Null(conversation.Failure);
        Assert.Equal(0, totals.Total(GeminiMetrics.Instruments.ResumesRefused));
    }

    [Fact]
    public async Task A_turn_spoken_just_before_a_goAway_close_is_answered_once_on_the_next_socket()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();
        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 0, 8);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
        await listener.WaitForAsync<GeminiTurnComplete>();

        // The old socket hears the whole second turn but closes before its end of speech is detected.
        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 100, 8);
        await emulator.Recording.Connections[0].SendRawAsync("{\"goAway\":{\"timeLeft\":\"5s\"}}", true);
        await listener.WaitForAsync<GeminiReconnected>();
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 15);
        await listener.WaitForAsync<GeminiTurnComplete>(occurrence: 2);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 15);

        var connections = emulator.Recording.Connections;
        Assert.Equal(2, connections.Count);
        Assert.Equal(Enumerable.Range(100, 8), Speech.Sequences(connections[0].AudioReceived()).Where(s => s >= 100));
        Assert.Equal(Enumerable.Range(100, 8), Speech.Sequences(connections[1].AudioReceived()).Distinct());
        var turns = emulator.Recording.Turns;
        Assert.Equal(2, turns.Count);
        Assert.Equal(1, turns[1].ConnectionIndex);
        Assert.NotNull(turns[1].CompletedAt);
        Assert.Equal(2, listener.Count<GeminiTurnComplete>());
        Assert.InRange(totals.Total(GeminiMetrics.Instruments.AudioReplayed), 8 * Speech.ChunkBytes, 20 * Speech.ChunkBytes);
    }

    [Fact]
    public async Task A_turn_cut_by_a_1011_is_answered_once_with_all_of_its_audio()
    {
        var options = EmulatorFixture.Fast() with { InternalErrorAfterAudio = TimeSpan.FromMilliseconds(300) };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 0, 20);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 15);
        await listener.WaitForAsync<GeminiTurnComplete>();
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 15);

        var connections = emulator.Recording.Connections;
        Assert.Equal(2, connections.Count);
        Assert.Equal(1011, connections[0].CloseCode);
        Assert.Equal(Enumerable.Range(0, 20), Speech.Sequences(connections[1].AudioReceived()).Distinct());
        var turn = Assert.Single(emulator.Recording.Turns);
        Assert.Equal(1, turn.ConnectionIndex);
        Assert.NotNull(turn.CompletedAt);
        Assert.Equal(1, listener.Count<GeminiTurnComplete>());
        Assert.True(totals.Total(GeminiMetrics.Instruments.AudioReplayed) >= 15 * Speech.ChunkBytes);
    }

    [Fact]
    public async Task A_resume_that_keeps_failing_with_1011_falls_back_to_a_fresh_session_within_the_budget()
    {
        var options = EmulatorFixture.Fast() with
        {
            InternalErrorEveryTurns = 1,
            RejectResume = new GeminiCloseScript(1011, "Internal error encountered."),
        };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator) with
        {
            Reconnect = EmulatorFixture.Client(emulator).Reconnect with { ResumeAttempts = 3 },
        };
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 0, 8);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
        await listener.WaitForAsync<GeminiReconnected>();

        var connections = emulator.Recording.Connections;
        Assert.Equal(5, connections.Count);
        Assert.Equal(3, connections.Count(c => c.ResumeHandle is not null && c.CloseCode == 1011));
        Assert.Null(connections[^1].ResumeHandle);
        Assert.True(connections[^1].SetupCompleted);
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.ResumesRefused));
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.FreshSessions));
        Assert.Contains(new GeminiReconnected(GeminiReconnectCause.ConnectionLost, Resumed: false, "gemini-3.8-live") { ContextSeeded = true }, listener.Events);
        Assert.Equal(1, connections[^1].SeededAfterTurn);
        Assert.Null(conversation.Failure);
    }

    [Fact]
    public async Task A_refused_resume_starts_a_fresh_session_seeded_with_the_conversation_which_goes_on_from_it()
    {
        var options = EmulatorFixture.Fast() with { InternalErrorEveryTurns = 2, RefuseResumption = true };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var conversation = new GeminiConversation(client, listener);
        await conversation.StartAsync();

        for (var turn = 1; turn <= 2; turn++)
        {
            await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), turn * 100, 8);
            await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
            await listener.WaitForAsync<GeminiTurnComplete>(occurrence: turn);
        }

        var reconnected = await listener.WaitForAsync<GeminiReconnected>();
        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 300, 8);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
        await listener.WaitForAsync<GeminiTurnComplete>(occurrence: 3);

        Assert.Equal(new GeminiReconnected(GeminiReconnectCause.ConnectionLost, Resumed: false, "gemini-3.8-live") { ContextSeeded = true }, reconnected);
        var connections = emulator.Recording.Connections;
        Assert.Equal(3, connections.Count);
        Assert.Equal(1007, connections[1].CloseCode);
        var fresh = connections[2];
        Assert.Null(fresh.ResumeHandle);
        Assert.Equal(2, fresh.SeededAfterTurn);
        Assert.StartsWith("You are a helpful parrot.", fresh.SystemInstruction, StringComparison.Ordinal);
        Assert.Contains("User: user turn 1\nYou: reply 1\nUser: user turn 2\nYou: reply 2\n", fresh.SystemInstruction, StringComparison.Ordinal);

        // The model of the fresh session went on from the seed: the third turn is its third, and it did not greet.
        var turns = emulator.Recording.Turns;
        Assert.Equal([1, 2, 3], turns.Select(t => t.Number));
        Assert.Equal(2, turns[2].ConnectionIndex);
        Assert.Single(turns, t => t.Greeting);
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.SeededSessions));
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.ResumesRefused));
        Assert.Null(conversation.Failure);
    }

    [Fact]
    public async Task A_persona_change_without_contextUpdate_moves_to_a_seeded_session_at_the_turn_boundary()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var listener = new RecordingListener();
        await using var conversation = new GeminiConversation(EmulatorFixture.Client(emulator, "gemini-3.1-flash-live-preview"), listener);
        await conversation.StartAsync();
        Assert.Equal(GeminiPersonaChange.NewSession, conversation.PersonaChange);
        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 100, 8);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
        await listener.WaitForAsync<GeminiTurnComplete>();

        var applied = await conversation.UpdatePersonaAsync("You are a robot.", TestContext.Current.CancellationToken);
        await EmulatorFixture.SpeakAsync(pcm => conversation.SendAudioAsync(pcm), 200, 8);
        await EmulatorFixture.SilenceAsync(pcm => conversation.SendAudioAsync(pcm), 10);
        await listener.WaitForAsync<GeminiTurnComplete>(occurrence: 2);

        Assert.Equal(GeminiPersonaChange.NewSession, applied);
        var connections = emulator.Recording.Connections;
        Assert.Equal(2, connections.Count);
        Assert.StartsWith("You are a robot.\n\n", connections[1].SystemInstruction, StringComparison.Ordinal);
        Assert.Equal(1, connections[1].SeededAfterTurn);
        Assert.Empty(connections[0].ContextUpdates);
        Assert.Equal([1, 2], emulator.Recording.Turns.Select(t => t.Number));
        Assert.Single(emulator.Recording.Turns, t => t.Greeting);
        Assert.Contains(new GeminiReconnected(GeminiReconnectCause.PersonaChange, Resumed: false, "gemini-3.1-flash-live-preview") { ContextSeeded = true }, listener.Events);
    }

    [Fact]
    public async Task A_sentence_cut_by_a_handoff_to_another_process_is_answered_once_there_with_all_of_its_audio()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var before = new RecordingListener();
        var outgoing = new GeminiConversation(EmulatorFixture.Client(emulator), before);
        await outgoing.StartAsync();
        await EmulatorFixture.SpeakAsync(pcm => outgoing.SendAudioAsync(pcm), 0, 8);
        await EmulatorFixture.SilenceAsync(pcm => outgoing.SendAudioAsync(pcm), 10);
        // The handle issued after the first turn: its session holds that turn, not the next one.
        await before.WaitForAsync<GeminiResumptionUpdate>(u => u.IsUsable, occurrence: 2);

        // The process stops mid-sentence: the service has heard the sentence so far but not its end.
        await EmulatorFixture.SpeakAsync(pcm => outgoing.SendAudioAsync(pcm), 100, 8);
        var handoff = await outgoing.HandOffAsync();
        Assert.Equal(GeminiConversationState.Disposed, outgoing.State);
        Assert.Equal(Enumerable.Range(100, 8), Speech.Sequences(handoff.UnheardAudio));

        var after = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var incoming = new GeminiConversation(client, after);
        await incoming.StartAsync(handoff);
        await EmulatorFixture.SilenceAsync(pcm => incoming.SendAudioAsync(pcm), 15);
        await after.WaitForAsync<GeminiTurnComplete>();

        var connections = emulator.Recording.Connections;
        Assert.Equal(2, connections.Count);
        Assert.True(connections[1].Resumed);
        Assert.Equal(handoff.ResumptionHandle, connections[1].ResumeHandle);
        Assert.Equal(connections[0].ConversationId, connections[1].ConversationId);
        Assert.False(connections[1].RefusedWhileHeld);
        Assert.Equal(Enumerable.Range(100, 8), Speech.Sequences(connections[1].AudioReceived()));
        var turns = emulator.Recording.Turns;
        Assert.Equal(2, turns.Count);
        Assert.Equal(1, turns[1].ConnectionIndex);
        Assert.NotNull(turns[1].CompletedAt);
        // The sentence, and the silence sent within the in-flight margin of the handle.
        Assert.InRange(totals.Total(GeminiMetrics.Instruments.AudioReplayed), 8 * Speech.ChunkBytes, 18 * Speech.ChunkBytes);
    }

    [Fact]
    public async Task An_answer_being_generated_at_a_handoff_is_generated_again_by_the_receiving_process()
    {
        // Real-time replies: the handoff lands while the answer is being sent, before turnComplete and its new handle.
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast() with { ReplySpeedup = 1 });
        var before = new RecordingListener();
        var outgoing = new GeminiConversation(EmulatorFixture.Client(emulator), before);
        await outgoing.StartAsync();
        await EmulatorFixture.SpeakAsync(pcm => outgoing.SendAudioAsync(pcm), 0, 8);
        await EmulatorFixture.SilenceAsync(pcm => outgoing.SendAudioAsync(pcm), 10);
        await before.WaitForAsync<GeminiTurnComplete>();
        await before.WaitForAsync<GeminiResumptionUpdate>(u => u.IsUsable, occurrence: 2);

        var answered = before.AudioBytes;
        await EmulatorFixture.SpeakAsync(pcm => outgoing.SendAudioAsync(pcm), 100, 8);
        await EmulatorFixture.SilenceAsync(pcm => outgoing.SendAudioAsync(pcm), 10);
        await before.WaitForAudioAsync(answered + 1);
        var handoff = await outgoing.HandOffAsync();
        Assert.Equal(1, before.Count<GeminiTurnComplete>());
        Assert.Equal(Enumerable.Range(100, 8), Speech.Sequences(handoff.UnheardAudio));

        var after = new RecordingListener();
        await using var incoming = new GeminiConversation(EmulatorFixture.Client(emulator), after);
        await incoming.StartAsync(handoff);
        await after.WaitForAsync<GeminiTurnComplete>();

        var turns = emulator.Recording.Turns;
        Assert.Equal(3, turns.Count);
        Assert.Equal((0, false), (turns[1].ConnectionIndex, turns[1].CompletedAt is not null));
        Assert.Equal((1, true), (turns[2].ConnectionIndex, turns[2].CompletedAt is not null));
        Assert.Equal(Enumerable.Range(100, 8), Speech.Sequences(emulator.Recording.Connections[1].AudioReceived()));
        Assert.True(after.AudioBytes > 0);
    }

    [Fact]
    public async Task A_sentence_ended_by_audioStreamEnd_before_a_handoff_is_answered_there_with_no_further_audio()
    {
        // Discord sends nothing while nobody talks: the server learns of the pause from audioStreamEnd alone.
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast() with { ThinkTime = TimeSpan.FromSeconds(2) });
        var before = new RecordingListener();
        var outgoing = new GeminiConversation(EmulatorFixture.Client(emulator), before);
        await outgoing.StartAsync();
        await before.WaitForAsync<GeminiResumptionUpdate>(u => u.IsUsable);
        await EmulatorFixture.SpeakAsync(pcm => outgoing.SendAudioAsync(pcm), 100, 8);
        await outgoing.SendAudioStreamEndAsync();
        var handoff = await outgoing.HandOffAsync();
        Assert.True(handoff.StreamEnded);

        var after = new RecordingListener();
        await using var incoming = new GeminiConversation(EmulatorFixture.Client(emulator), after);
        await incoming.StartAsync(handoff);
        await after.WaitForAsync<GeminiTurnComplete>();

        Assert.Equal(Enumerable.Range(100, 8), Speech.Sequences(emulator.Recording.Connections[1].AudioReceived()));
        Assert.Equal(1, emulator.Recording.Connections[1].AudioStreamEnds);
        Assert.Contains(emulator.Recording.Turns, t => t.ConnectionIndex == 1 && t.CompletedAt is not null);
    }
}
