using System.Text.Json;
using Chorus.Emulators.Gemini;
using Chorus.Gemini.Diagnostics;
using Chorus.Gemini.Events;

namespace Chorus.Gemini.Tests;

[EndToEnd]
public sealed class SessionTests
{
    [Fact]
    public async Task Setup_completes_with_the_key_only_in_the_header()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var listener = new RecordingListener();

        await using var session = await GeminiLiveSession.ConnectAsync(EmulatorFixture.Client(emulator), listener);

        var connection = Assert.Single(emulator.Recording.Connections);
        Assert.True(connection.SetupCompleted);
        Assert.True(connection.KeyInHeader);
        Assert.False(connection.KeyInQuery);
        Assert.DoesNotContain(EmulatorFixture.Key, connection.Path, StringComparison.Ordinal);
        Assert.Equal("gemini-3.8-live", connection.Model);
        Assert.Equal("You are a helpful parrot.", connection.SystemInstruction);
        Assert.NotNull(session.SessionId);
        Assert.Equal(new GeminiSetupComplete(session.SessionId), listener.Events[0]);
        await listener.WaitForAsync<GeminiResumptionUpdate>(u => u.IsUsable);
    }

    [Fact]
    public async Task Speech_round_trips_as_24kHz_audio_with_transcripts_turn_complete_and_usage()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var listener = new RecordingListener();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var session = await GeminiLiveSession.ConnectAsync(client, listener);

        await EmulatorFixture.SpeakAsync(pcm => session.SendAudioAsync(pcm), 0, 15);
        await EmulatorFixture.SilenceAsync(pcm => session.SendAudioAsync(pcm), 10);
        await listener.WaitForAsync<GeminiTurnComplete>();

        var turn = Assert.Single(emulator.Recording.Turns);
        Assert.Equal(turn.UtteranceBytes * 3 / 2, listener.AudioBytes);
        Assert.True(listener.AudioBytes >= 15 * Speech.ChunkBytes * 3 / 2, $"echo shorter than the speech: {listener.AudioBytes}");
        Assert.Equal(15 * Speech.ChunkBytes, totals.Total(GeminiMetrics.Instruments.AudioSent) - (10 * Speech.ChunkBytes));
        Assert.Equal(totals.Total(GeminiMetrics.Instruments.AudioSent), emulator.Recording.AllAudio().Length);
        var arrivals = emulator.Recording.Connections[0].AudioArrivals;
        Assert.Equal(25, arrivals.Count);
        Assert.All(arrivals, a => Assert.Equal(Speech.ChunkBytes, a.Bytes));
        Assert.True(turn.FirstReplyAt >= turn.SpeechEndedAt);

        var events = listener.Events;
        Assert.Contains(new GeminiTranscription(GeminiTranscriptionSource.Input, " user turn 1", true), events);
        Assert.Contains(new GeminiTranscription(GeminiTranscriptionSource.Output, "reply 1", false), events);
        var generation = events.ToList().FindIndex(e => e is GeminiGenerationComplete);
        var complete = events.ToList().FindIndex(e => e is GeminiTurnComplete);
        Assert.InRange(generation, 0, complete - 1);
        var usage = Assert.IsType<GeminiUsage>(events[complete + 1]);
        Assert.Equal(usage.PromptTokens + usage.ResponseTokens, usage.TotalTokens);
        Assert.Equal("AUDIO", Assert.Single(usage.ResponseDetails).Modality);
        Assert.Equal(0, totals.Total(GeminiMetrics.Instruments.MessagesDropped, GeminiMetrics.Malformed));
    }

    [Fact]
    public async Task New_speech_during_a_reply_interrupts_it()
    {
        var reply = new byte[24_000 * 2 * 3];
        for (var i = 0; i < reply.Length; i += 2)
        {
            reply[i + 1] = 0x10;
        }

        var options = EmulatorFixture.Fast(GeminiReplyMode.Fixed) with { FixedReplyPcm24k = reply, ReplySpeedup = 5 };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        await using var session = await GeminiLiveSession.ConnectAsync(EmulatorFixture.Client(emulator), listener);

        await EmulatorFixture.SpeakAsync(pcm => session.SendAudioAsync(pcm), 0, 10);
        await EmulatorFixture.SilenceAsync(pcm => session.SendAudioAsync(pcm), 10);
        await listener.WaitForAudioAsync(1);
        await EmulatorFixture.SpeakAsync(pcm => session.SendAudioAsync(pcm), 10, 5);

        await listener.WaitForAsync<GeminiInterrupted>();
        var events = listener.Events.ToList();
        Assert.True(events.FindIndex(e => e is GeminiInterrupted) < events.FindIndex(e => e is GeminiTurnComplete));
        Assert.DoesNotContain(events, e => e is GeminiGenerationComplete);
        Assert.True(listener.AudioBytes < reply.Length, "the whole reply arrived despite the barge-in");
        Assert.True(emulator.Recording.Turns[0].Interrupted);
    }

    [Fact]
    public async Task Text_frames_are_accepted_as_well_as_binary_ones()
    {
        var options = EmulatorFixture.Fast() with { TextFrames = true };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        await using var session = await GeminiLiveSession.ConnectAsync(EmulatorFixture.Client(emulator), listener);

        await session.SendTextTurnAsync("hello there");
        await listener.WaitForAsync<GeminiTurnComplete>();

        Assert.True(listener.AudioBytes > 0);
        Assert.Equal(["hello there"], emulator.Recording.Connections[0].TextTurns);
        var connection = emulator.Recording.Connections[0];
        await connection.SendRawAsync("{\"serverContent\":{\"outputTranscription\":{\"text\":\"as binary\"}}}", true);
        await connection.SendRawAsync("{\"serverContent\":{\"outputTranscription\":{\"text\":\"as text\"}}}", false);
        await listener.WaitForAsync<GeminiTranscription>(t => t.Text == "as text");
        Assert.Equal(1, listener.Count<GeminiTranscription>(t => t.Text == "as binary"));
    }

    [Fact]
    public async Task Malformed_server_messages_are_dropped_counted_and_the_session_survives()
    {
        var options = EmulatorFixture.Fast() with { SendMalformedAfterSetup = true };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        var listener = new RecordingListener();
        var logger = new CapturingLogger();
        var client = EmulatorFixture.Client(emulator);
        using var totals = EmulatorFixture.Totals(client);
        await using var session = await GeminiLiveSession.ConnectAsync(client, listener, logger: logger);

        await session.SendTextTurnAsync("still there?");
        await listener.WaitForAsync<GeminiTurnComplete>();

        Assert.Equal(3, totals.Total(GeminiMetrics.Instruments.MessagesDropped, GeminiMetrics.Malformed));
        Assert.Equal(1, totals.Total(GeminiMetrics.Instruments.MessagesDropped, GeminiMetrics.Unknown));
        Assert.True(session.IsOpen);
        Assert.Equal(3, logger.Lines.Count(l => l.Contains("malformed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_bad_key_fails_setup_with_a_clear_error_that_does_not_contain_the_key()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var options = EmulatorFixture.Client(emulator) with { ApiKey = "wrong-key-abcdef-secret" };
        var logger = new CapturingLogger();

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => GeminiLiveSession.ConnectAsync(options, new RecordingListener(), logger: logger));

        Assert.Equal(GeminiFailureKind.InvalidCredentials, error.Kind);
        Assert.Equal(1007, error.CloseCode);
        Assert.Contains("API key not valid", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsFatal);
        Assert.DoesNotContain("wrong-key-abcdef-secret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Lines, l => l.Contains("wrong-key-abcdef-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_close_before_the_setup_was_read_is_reported_with_its_reason()
    {
        var options = EmulatorFixture.Fast() with { CloseOnConnect = new GeminiCloseScript(1007, "API key expired. Please renew the API key.") };
        await using var emulator = await GeminiLiveEmulator.StartAsync(options);
        await using var conversation = new GeminiConversation(EmulatorFixture.Client(emulator), new RecordingListener());

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => conversation.StartAsync());

        Assert.Equal(GeminiFailureKind.InvalidCredentials, error.Kind);
        Assert.Contains("API key expired", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, emulator.Recording.ConnectionAttempts);
    }

    [Fact]
    public async Task An_unknown_model_fails_setup_as_model_unavailable()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() =>
            GeminiLiveSession.ConnectAsync(EmulatorFixture.Client(emulator, "gemini-0.1-nope"), new RecordingListener()));

        Assert.Equal(GeminiFailureKind.ModelUnavailable, error.Kind);
        Assert.Equal(1008, error.CloseCode);
        Assert.Contains("gemini-0.1-nope is not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_update_reaches_the_server_and_audio_stream_end_ends_the_utterance()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var listener = new RecordingListener();
        await using var session = await GeminiLiveSession.ConnectAsync(EmulatorFixture.Client(emulator), listener);

        await session.SendContextUpdateAsync("You are a pirate now.");
        await EmulatorFixture.SpeakAsync(pcm => session.SendAudioAsync(pcm), 0, 5);
        await session.SendAudioStreamEndAsync();
        await listener.WaitForAsync<GeminiTurnComplete>();

        var connection = emulator.Recording.Connections[0];
        Assert.Equal(["You are a pirate now."], connection.ContextUpdates);
        Assert.Equal(1, connection.AudioStreamEnds);
    }

    [Fact]
    public async Task Tool_response_is_sent_in_the_documented_shape()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var listener = new RecordingListener();
        await using var session = await GeminiLiveSession.ConnectAsync(EmulatorFixture.Client(emulator), listener);
        var connection = emulator.Recording.Connections[0];

        await connection.SendRawAsync("{\"toolCall\":{\"functionCalls\":[{\"id\":\"c1\",\"name\":\"roll\",\"args\":{\"sides\":6}}]}}", true);
        var call = Assert.Single((await listener.WaitForAsync<GeminiToolCall>()).FunctionCalls);
        using var result = JsonDocument.Parse("{\"output\":4}");
        await session.SendToolResponseAsync(call.Id!, call.Name, result.RootElement);

        await emulator.Recording.WaitUntilAsync(_ => connection.MessageKinds.Contains("toolResponse"), TimeSpan.FromSeconds(5));
        Assert.True(session.IsOpen);
    }
}
