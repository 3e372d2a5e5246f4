namespace Chorus.Gemini;

/// <summary>Work for the conversation's supervisor loop, which handles one at a time.</summary>
internal abstract record SupervisorSignal
{
    public sealed record Closed(GeminiConversationTransport Transport, GeminiCloseInfo Close) : SupervisorSignal;

    internal sealed record GoAway(GeminiConversationTransport Transport, TimeSpan TimeLeft) : SupervisorSignal;

    internal sealed record FreshSession(TaskCompletionSource Done) : SupervisorSignal;
}
