using Chorus.Diagnostics;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Gateway.Tests.Bridge;

/// <summary>
/// What a conversation used, as the session grain records it: the bridge keeps it apart from its metrics, from the
/// model's events (turns, interruptions, reconnects, the tokens of each turn's usage message).
/// </summary>
public sealed class ConversationUsageTests : IStreamingBridgeObserver
{
    [Fact]
    public async Task Turns_interruptions_reconnects_and_billed_tokens_add_up_in_the_usage_record()
    {
        var metrics = new GatewayMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        await using var bridge = new StreamingBridge(new StreamingBridgeOptions(), this, NullLogger.Instance, metrics: metrics);

        for (var turn = 0; turn < 2; turn++)
        {
            bridge.OnEvent(new GeminiUsage(
                PromptTokens: 320, ResponseTokens: 45, TotalTokens: 365 + 7, ThoughtsTokens: 7, CachedTokens: 0,
                PromptDetails: [new GeminiModalityTokens("AUDIO", 300), new GeminiModalityTokens("TEXT", 20)],
                ResponseDetails: [new GeminiModalityTokens("AUDIO", 40), new GeminiModalityTokens("TEXT", 5)]));
            bridge.OnEvent(new GeminiTurnComplete(null));
        }

        bridge.OnEvent(new GeminiInterrupted());
        bridge.OnEvent(new GeminiReconnected(GeminiReconnectCause.ConnectionLost, Resumed: true, "gemini-3.8-live"));

        Assert.Equal(
            new SessionUsage(Turns: 2, Interruptions: 1, Reconnects: 1, TokensIn: 640, TokensOut: 90, PromptAudioTokens: 600,
                ResponseAudioTokens: 80, ThoughtsTokens: 14),
            bridge.Usage.Totals);
        Assert.Equal(2, bridge.Usage.Turns);
        // The same turns and interruption on the exported instruments; the tokens are not theirs (meter Chorus.Usage).
        Assert.Equal(2, totals.Total(GatewayMetrics.Instruments.Turns));
        Assert.Equal(1, totals.Total(GatewayMetrics.Instruments.Interruptions, GatewayMetrics.ServerInterruption));
    }

    void IStreamingBridgeObserver.OnResumptionHandle(string handle)
    {
    }

    void IStreamingBridgeObserver.OnConversationFailed(GeminiLiveException error)
    {
    }

    void IStreamingBridgeObserver.OnTranscription(GeminiTranscriptionSource source, string text, bool finished)
    {
    }

    void IStreamingBridgeObserver.OnTurnComplete()
    {
    }
}
