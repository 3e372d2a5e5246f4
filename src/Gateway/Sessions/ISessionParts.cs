using Chorus.Gemini;
using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Sessions;

/// <summary>The connections a running session holds (voice, Gemini, the bridge between them), as its lifecycle sees them.</summary>
internal interface ISessionParts : IAsyncDisposable
{
    /// <summary>The counters gathered since the last call (each report sends a delta; the grain keeps totals).</summary>
    SessionUsage TakeCounterDelta();

    /// <summary>The recent latency percentiles.</summary>
    LatencyFigures MeasureLatency(DateTimeOffset now);

    /// <summary>Closes the Gemini side for another process to carry the conversation on (<see cref="GeminiConversation.HandOffAsync"/>).</summary>
    Task<GeminiHandoff> HandOffGeminiAsync();
}
