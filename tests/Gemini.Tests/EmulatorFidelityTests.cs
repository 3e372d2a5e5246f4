using System.Net.WebSockets;
using System.Text;
using Chorus.Emulators.Audio;
using Chorus.Emulators.Gemini;

namespace Chorus.Gemini.Tests;

/// <summary>The emulator behaves like the real service for clients other than ours (raw WebSocket here).</summary>
[EndToEnd]
public sealed class EmulatorFidelityTests
{
    private const string Setup = "{\"setup\":{\"model\":\"models/gemini-3.8-live\",\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]}}}";

    [Fact]
    public async Task Accepts_the_js_sdk_path_with_a_double_slash_v1_and_the_key_in_the_query()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{emulator.Port}//ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent?key={EmulatorFixture.Key}"), CancellationToken.None);

        await RawLiveSocket.SendAsync(socket, Setup);
        var (type, text) = await RawLiveSocket.ReceiveAsync(socket);

        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.StartsWith("{\"setupComplete\":{", text, StringComparison.Ordinal);
        Assert.True(emulator.Recording.Connections[0].KeyInQuery);
    }

    [Theory]
    [InlineData("{\"realtimeInput\":{\"audioStreamEnd\":true}}", false)]
    [InlineData("{not json", false)]
    [InlineData(Setup, true)]
    [InlineData("{\"realtimeInput\":{},\"clientContent\":{}}", true)]
    public async Task Closes_with_1007_on_invalid_client_messages(string message, bool afterSetup)
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        using var socket = await RawLiveSocket.ConnectAsync(emulator);
        if (afterSetup)
        {
            await RawLiveSocket.SendAsync(socket, Setup);
            await RawLiveSocket.ReceiveAsync(socket);
        }

        await RawLiveSocket.SendAsync(socket, message);
        while ((await RawLiveSocket.ReceiveAsync(socket)).Type != WebSocketMessageType.Close)
        {
            // Skip the resumption update and the like.
        }

        Assert.Equal(1007, (int?)socket.CloseStatus);
        Assert.Equal("Request contains an invalid argument.", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task Refuses_plain_http_and_unknown_paths()
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(EmulatorFixture.Fast());
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(emulator.BaseUri, "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"));
        var unknown = await http.GetAsync(new Uri(emulator.BaseUri, "/v1beta/models"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, emulator.Recording.ConnectionAttempts);
    }

    [Fact]
    public void Reads_pcm16_mono_wav_and_upsamples_to_24k()
    {
        var pcm = new byte[] { 0, 0, 0x10, 0, 0x20, 0, 0x30, 0 };
        using var wav = new MemoryStream();
        using (var writer = new BinaryWriter(wav, Encoding.ASCII, leaveOpen: true))
        {
            writer.Write("RIFF"u8);
            writer.Write(36 + pcm.Length);
            writer.Write("WAVEfmt "u8);
            writer.Write(16);
            writer.Write((short)1);
            writer.Write((short)1);
            writer.Write(24_000);
            writer.Write(48_000);
            writer.Write((short)2);
            writer.Write((short)16);
            writer.Write("data"u8);
            writer.Write(pcm.Length);
            writer.Write(pcm);
        }

        Assert.Equal(pcm, WavFile.ReadPcm16Mono(wav.ToArray(), out var rate));
        var path = Path.Combine(Path.GetTempPath(), $"chorus-reply-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, wav.ToArray());
        try
        {
            var options = new GeminiEmulatorOptions().WithWavReply(path);
            Assert.Equal(GeminiReplyMode.Fixed, options.Reply);
            Assert.Equal(pcm, options.FixedReplyPcm24k.ToArray());
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(24_000, rate);
        Assert.Equal(pcm.Length * 3 / 2, PcmResampler.Upsample16kTo24k(pcm).Length);
        Assert.Throws<InvalidDataException>(() => WavFile.ReadPcm16Mono("RIFF0000WAVX"u8, out _));
    }

}
