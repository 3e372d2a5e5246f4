using System.Net.WebSockets;
using System.Text.Json;
using Chorus.Emulators.Gemini;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gemini.Tests;

/// <summary>The emulator refuses what the real service refuses, so a client that passes here is not passing by leniency.</summary>
[EndToEnd]
public sealed class StrictEmulatorTests
{
    [Theory]
    [InlineData("gemini-3.8-live", "\"foo\":1", "Unknown name \"foo\" at 'setup': Cannot find field.")]
    [InlineData("gemini-3.8-live", "\"generationConfig\":{\"speechConfig\":{\"voice_name\":\"Kore\"}}", "Unknown name \"voice_name\" at 'setup.generation_config.speech_config'")]
    [InlineData("gemini-3.8-live", "\"explicitVadSignal\":true", "Unknown name \"explicitVadSignal\" at 'setup'")]
    [InlineData("gemini-3.8-live", "\"sessionResumption\":{\"transparent\":true}", "Unknown name \"transparent\" at 'setup.session_resumption'")]
    [InlineData("gemini-3.8-live", "\"generationConfig\":{\"responseModalities\":[\"SPEECH\"]}", "Invalid value at 'setup.generation_config.response_modalities[0]' (TYPE_ENUM), \"SPEECH\"")]
    [InlineData("gemini-3.8-live", "\"realtimeInputConfig\":{\"activityHandling\":\"INTERRUPT\"}", "Invalid value at 'setup.realtime_input_config.activity_handling' (TYPE_ENUM)")]
    [InlineData("gemini-3.8-live", "\"proactivity\":{\"proactiveAudio\":false}", "'setup.proactivity': not supported by models/gemini-3.8-live")]
    [InlineData("gemini-3.8-live", "\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"LOW\"}}", "'setup.generation_config.thinking_config': not supported")]
    [InlineData("gemini-3.1-flash-live-preview", "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":100}}", "'setup.generation_config.thinking_config.thinking_budget': not supported")]
    [InlineData("gemini-2.5-flash-native-audio-preview-12-2025", "\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"LOW\"}}", "'setup.generation_config.thinking_config.thinking_level': not supported")]
    [InlineData("gemini-3.1-flash-live-preview", "\"generationConfig\":{\"enableAffectiveDialog\":true}", "'setup.generation_config.enable_affective_dialog': not supported")]
    public async Task Refuses_fields_the_service_does_not_have_with_1007_and_the_field_path(string model, string extra, string expected)
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        using var socket = await RawLiveSocket.ConnectAsync(emulator);

        await RawLiveSocket.SendAsync(socket, $"{{\"setup\":{{\"model\":\"models/{model}\",{extra}}}}}");
        var (type, _) = await RawLiveSocket.ReceiveAsync(socket);

        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(1007, (int?)socket.CloseStatus);
        Assert.Contains(expected, emulator.Recording.Connections[0].Refusal, StringComparison.Ordinal);
        Assert.False(emulator.Recording.Connections[0].SetupCompleted);
    }

    [Theory]
    [InlineData("gemini-3.8-live", "\"proactivity\":null,\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]}")]
    [InlineData("gemini-3.8-live-extended-thinking", "\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"HIGH\",\"includeThoughts\":false}}")]
    [InlineData("gemini-2.5-flash-native-audio-preview-09-2025", "\"proactivity\":{\"proactiveAudio\":true},\"generationConfig\":{\"enableAffectiveDialog\":true,\"thinkingConfig\":{\"thinkingBudget\":0}}")]
    [InlineData("gemini-3.8-live", "\"contextWindowCompression\":{\"triggerTokens\":\"20000\",\"slidingWindow\":{\"targetTokens\":10000}},\"labels\":{\"any\":\"thing\"}")]
    public async Task Accepts_what_the_service_accepts(string model, string extra)
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        using var socket = await RawLiveSocket.ConnectAsync(emulator);

        await RawLiveSocket.SendAsync(socket, $"{{\"setup\":{{\"model\":\"models/{model}\",{extra}}}}}");
        var (_, text) = await RawLiveSocket.ReceiveAsync(socket);

        Assert.StartsWith("{\"setupComplete\":", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audio/pcm", true)]
    [InlineData("audio/pcm;rate=16000", true)]
    [InlineData("audio/pcm;rate=24000", true)]
    [InlineData("audio/wav", false)]
    [InlineData("audio/pcm;rate=", false)]
    [InlineData("audio/L16;rate=16000", false)]
    public async Task Audio_must_be_pcm(string mimeType, bool accepted)
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        using var socket = await RawLiveSocket.ConnectAsync(emulator);
        await RawLiveSocket.SendAsync(socket, "{\"setup\":{\"model\":\"models/gemini-3.8-live\"}}");
        await RawLiveSocket.ReceiveAsync(socket);

        await RawLiveSocket.SendAsync(socket, $"{{\"realtimeInput\":{{\"audio\":{{\"mimeType\":\"{mimeType}\",\"data\":\"AAAAAA==\"}}}}}}");
        await RawLiveSocket.SendAsync(socket, "{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        await emulator.Recording.WaitUntilAsync(r => r.Connections[0].AudioStreamEnds == 1 || r.Connections[0].CloseCode is not null, TimeSpan.FromSeconds(5));

        var connection = emulator.Recording.Connections[0];
        Assert.Equal(accepted ? null : 1007, connection.CloseCode);
        Assert.Equal(accepted ? 4 : 0, connection.AudioBytes);
        if (!accepted)
        {
            Assert.Contains("'realtime_input.audio.mime_type'", connection.Refusal, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_resume_while_the_session_is_still_open_elsewhere_is_closed_with_1011_and_accepted_after_it_closes()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        using var first = await RawLiveSocket.ConnectAsync(emulator);
        await RawLiveSocket.SendAsync(first, "{\"setup\":{\"model\":\"models/gemini-3.8-live\",\"sessionResumption\":{}}}");
        await RawLiveSocket.ReceiveAsync(first);
        var handle = HandleIn((await RawLiveSocket.ReceiveAsync(first)).Text);

        using var early = await RawLiveSocket.ConnectAsync(emulator);
        await RawLiveSocket.SendAsync(early, $"{{\"setup\":{{\"model\":\"models/gemini-3.8-live\",\"sessionResumption\":{{\"handle\":\"{handle}\"}}}}}}");
        await RawLiveSocket.ReceiveAsync(early);
        Assert.Equal(1011, (int?)early.CloseStatus);
        Assert.True(emulator.Recording.Connections[1].RefusedWhileHeld);

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        using var after = await RawLiveSocket.ConnectAsync(emulator);
        await RawLiveSocket.SendAsync(after, $"{{\"setup\":{{\"model\":\"models/gemini-3.8-live\",\"sessionResumption\":{{\"handle\":\"{handle}\"}}}}}}");
        var (_, text) = await RawLiveSocket.ReceiveAsync(after);

        Assert.StartsWith("{\"setupComplete\":", text, StringComparison.Ordinal);
        Assert.True(emulator.Recording.Connections[2].Resumed);
    }

    [Fact]
    public async Task Handles_expire_two_hours_after_the_session_ends()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast() with { Time = clock });
        using var first = await RawLiveSocket.ConnectAsync(emulator);
        await RawLiveSocket.SendAsync(first, "{\"setup\":{\"model\":\"models/gemini-3.8-live\",\"sessionResumption\":{}}}");
        await RawLiveSocket.ReceiveAsync(first);
        var handle = HandleIn((await RawLiveSocket.ReceiveAsync(first)).Text);
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var resume = $"{{\"setup\":{{\"model\":\"models/gemini-3.8-live\",\"sessionResumption\":{{\"handle\":\"{handle}\"}}}}}}";

        clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        using var inTime = await RawLiveSocket.ConnectAsync(emulator);
        await RawLiveSocket.SendAsync(inTime, resume);
        Assert.StartsWith("{\"setupComplete\":", (await RawLiveSocket.ReceiveAsync(inTime)).Text, StringComparison.Ordinal);
        await inTime.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        // The clock restarts when the resumed session ends.
        clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        using var stillInTime = await RawLiveSocket.ConnectAsync(emulator);
        await RawLiveSocket.SendAsync(stillInTime, resume);
        Assert.StartsWith("{\"setupComplete\":", (await RawLiveSocket.ReceiveAsync(stillInTime)).Text, StringComparison.Ordinal);
        await stillInTime.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        clock.Advance(TimeSpan.FromHours(2));
        using var late = await RawLiveSocket.ConnectAsync(emulator);
        await RawLiveSocket.SendAsync(late, resume);
        await RawLiveSocket.ReceiveAsync(late);
        Assert.Equal(1007, (int?)late.CloseStatus);
    }

    [Fact]
    public async Task A_revoked_key_closes_open_sessions_with_the_key_wording_and_refuses_new_ones()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        var listener = new RecordingListener();
        await using var conversation = new GeminiConversation(EmulatorFixture.Client(emulator), listener);
        await conversation.StartAsync();

        await emulator.RevokeKeyAsync();
        var failure = await conversation.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(failure);
        Assert.Equal(GeminiFailureKind.InvalidCredentials, failure.Kind);
        Assert.Equal(1007, emulator.Recording.Connections[0].CloseCode);
        Assert.Equal(GeminiLiveEmulator.InvalidKeyReason, emulator.Recording.Connections[0].CloseReason);
        Assert.Single(listener.Events.OfType<GeminiConversationFailed>());
        Assert.Equal(1, emulator.Recording.ConnectionAttempts);
    }

    [Fact]
    public async Task Our_setup_is_accepted_for_every_model_family_in_the_catalog()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast() with
        {
            Models = GeminiModelCatalog.All.Select(m => m.ModelId).ToHashSet(StringComparer.Ordinal),
        });
        foreach (var model in GeminiModelCatalog.All)
        {
            var options = EmulatorFixture.Client(emulator, model.ModelId) with
            {
                ThinkingLevel = "LOW",
                ProactiveAudio = true,
                AffectiveDialog = true,
                VoiceName = "Kore",
                LanguageCode = "en-US",
                Temperature = 0.7,
                GoogleSearch = true,
                ContextCompression = new GeminiContextCompression { TriggerTokens = 25_000, TargetTokens = 12_000 },
            };
            await using var conversation = new GeminiConversation(options, new RecordingListener());
            await conversation.StartAsync();
            await conversation.DisposeAsync();
        }

        var connections = emulator.Recording.Connections;
        Assert.Equal(GeminiModelCatalog.All.Count(), connections.Count);
        foreach (var connection in connections)
        {
            Assert.True(connection.SetupCompleted, $"{connection.Model}: {connection.Refusal} {connection.SetupJson}");
            using var setup = JsonDocument.Parse(connection.SetupJson!);
            TestContext.Current.TestOutputHelper?.WriteLine($"{connection.Model}: {connection.SetupJson}");
        }
    }

    private static string HandleIn(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("sessionResumptionUpdate").GetProperty("newHandle").GetString()!;
    }

}
