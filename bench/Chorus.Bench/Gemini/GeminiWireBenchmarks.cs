using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Chorus.Gemini.Wire;

namespace Chorus.Bench.Gemini;

/// <summary>Per-message cost of the Gemini Live hot paths: one uplink audio chunk, one downlink audio message.</summary>
[MemoryDiagnoser]
public class GeminiWireBenchmarks
{
    private readonly byte[] _chunk40ms = new byte[16_000 * 2 * 40 / 1000];
    private readonly GeminiServerMessage _message = new();
    private byte[] _output = [];
    private byte[] _audio40ms = [];
    private byte[] _audio200ms = [];
    private byte[] _audioWithTurnComplete = [];

    [GlobalSetup]
    public void Setup()
    {
        new Random(42).NextBytes(_chunk40ms);
        _output = new byte[GeminiClientMessages.MaxAudioMessageLength(_chunk40ms.Length)];
        _audio40ms = AudioMessage(24_000 * 2 * 40 / 1000);
        _audio200ms = AudioMessage(24_000 * 2 * 200 / 1000);
        var pcm = new byte[1920];
        _audioWithTurnComplete = Encoding.UTF8.GetBytes(
            "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\""
            + Convert.ToBase64String(pcm) + "\"}}]},\"outputTranscription\":{\"text\":\"hello\"},\"turnComplete\":true},"
            + "\"usageMetadata\":{\"promptTokenCount\":10,\"responseTokenCount\":5,\"totalTokenCount\":15}}");

        // Warm the message's pooled audio buffer to its steady-state size.
        GeminiServerMessageParser.TryParse(_audio200ms, _message);
    }

    [GlobalCleanup]
    public void Cleanup() => _message.Dispose();

    /// <summary>16 kHz, 40 ms (1,280 bytes PCM) into a realtimeInput.audio JSON message.</summary>
    [Benchmark]
    public int SerializeAudioChunk40ms() => GeminiClientMessages.WriteAudio(_chunk40ms, _output);

    /// <summary>Same, with the pooled buffer rent and return the session does per chunk.</summary>
    [Benchmark]
    public int SerializeAudioChunk40msPooled()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(GeminiClientMessages.MaxAudioMessageLength(_chunk40ms.Length));
        var written = GeminiClientMessages.WriteAudio(_chunk40ms, buffer);
        ArrayPool<byte>.Shared.Return(buffer);
        return written;
    }

    /// <summary>A 24 kHz, 40 ms (1,920 bytes PCM) serverContent audio message.</summary>
    [Benchmark]
    public int ParseAudioMessage40ms()
    {
        GeminiServerMessageParser.TryParse(_audio40ms, _message);
        return _message.Audio.Length;
    }

    /// <summary>A 24 kHz, 200 ms (9,600 bytes PCM) serverContent audio message.</summary>
    [Benchmark]
    public int ParseAudioMessage200ms()
    {
        GeminiServerMessageParser.TryParse(_audio200ms, _message);
        return _message.Audio.Length;
    }

    /// <summary>Audio plus transcript, turnComplete and usage in one message (allocates the event records).</summary>
    [Benchmark]
    public int ParseAudioWithTurnCompleteAndUsage()
    {
        GeminiServerMessageParser.TryParse(_audioWithTurnComplete, _message);
        return _message.Events.Count;
    }

    private static byte[] AudioMessage(int pcmBytes)
    {
        var pcm = new byte[pcmBytes];
        new Random(7).NextBytes(pcm);
        return Encoding.UTF8.GetBytes(
            "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\""
            + Convert.ToBase64String(pcm) + "\"}}]}}}");
    }
}
