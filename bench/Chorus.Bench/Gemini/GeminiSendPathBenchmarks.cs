using BenchmarkDotNet.Attributes;
using Chorus.Gemini;
using Chorus.Gemini.Events;

namespace Chorus.Bench.Gemini;

/// <summary>
/// One 40 ms uplink chunk through the real send path (ClientWebSocket over loopback, server draining): the
/// session alone, and the conversation supervisor in front of it. Allocations include the socket's own.
/// </summary>
[MemoryDiagnoser]
public class GeminiSendPathBenchmarks
{
    private readonly byte[] _chunk = new byte[1280];
    private DrainingLiveServer _server = null!;
    private GeminiLiveSession _session = null!;
    private GeminiConversation _conversation = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        new Random(1).NextBytes(_chunk);
        _server = new DrainingLiveServer();
        _server.Start();
        var options = new GeminiLiveOptions { ApiKey = "bench", BaseUri = _server.BaseUri, Model = "gemini-3.8-live" };
        _session = await GeminiLiveSession.ConnectAsync(options, new DiscardingListener());
        _conversation = new GeminiConversation(options, new DiscardingListener());
        await _conversation.StartAsync();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _conversation.DisposeAsync();
        await _session.CloseAsync();
        await _session.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark]
    public ValueTask SessionSendAudio40ms() => _session.SendAudioAsync(_chunk);

    [Benchmark]
    public ValueTask ConversationSendAudio40ms() => _conversation.SendAudioAsync(_chunk);

    private sealed class DiscardingListener : IGeminiLiveListener
    {
        public void OnAudio(ReadOnlySpan<byte> pcm24k)
        {
        }

        public void OnEvent(GeminiEvent liveEvent)
        {
        }
    }
}
