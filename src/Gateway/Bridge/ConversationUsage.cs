using Chorus.Gemini.Events;
using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Bridge;

/// <summary>
/// What one conversation used, as the session grain records it and <c>/usage</c> and <c>/status</c> show it: turns,
/// interruptions, reconnects, audio each way and the tokens Gemini billed. Domain data, not metrics: the same events are
/// also counted on the exported instruments (<see cref="Diagnostics.GatewayMetrics"/>), which carry no per-session view.
/// Safe to read from any thread.
/// </summary>
public sealed class ConversationUsage
{
    private const double SecondsPerUplinkFrame = 0.020;
    private const double ModelSampleRate = 24_000;

    private long _turns;
    private long _interruptions;
    private long _reconnects;
    private long _uplinkFrames;
    private long _modelSamples;
    private long _tokensIn;
    private long _tokensOut;
    private long _promptAudioTokens;
    private long _responseAudioTokens;
    private long _thoughtsTokens;

    /// <summary>Turns the model completed.</summary>
    public long Turns => Interlocked.Read(ref _turns);

    /// <summary>Everything used so far, as the grain's record (the gateway prices nothing: the cost is 0).</summary>
    public SessionUsage Totals => new(
        Turns,
        Interlocked.Read(ref _interruptions),
        Interlocked.Read(ref _reconnects),
        Interlocked.Read(ref _uplinkFrames) * SecondsPerUplinkFrame,
        Interlocked.Read(ref _modelSamples) / ModelSampleRate,
        Interlocked.Read(ref _tokensIn),
        Interlocked.Read(ref _tokensOut),
        Interlocked.Read(ref _promptAudioTokens),
        Interlocked.Read(ref _responseAudioTokens),
        Interlocked.Read(ref _thoughtsTokens));

    internal void Turn() => Interlocked.Increment(ref _turns);

    /// <summary>An answer cut short: by the model hearing the user, or by local barge-in.</summary>
    internal void Interruption() => Interlocked.Increment(ref _interruptions);

    internal void Reconnect() => Interlocked.Increment(ref _reconnects);

    /// <summary>One 20 ms frame of the users' audio handed to the conversation.</summary>
    internal void UplinkFrame() => Interlocked.Increment(ref _uplinkFrames);

    /// <summary>Model audio (24 kHz samples) passed on to playback.</summary>
    internal void ModelAudio(int samples) => Interlocked.Add(ref _modelSamples, samples);

    internal void Billed(GeminiUsage usage)
    {
        Interlocked.Add(ref _tokensIn, usage.PromptTokens);
        Interlocked.Add(ref _tokensOut, usage.ResponseTokens);
        Interlocked.Add(ref _promptAudioTokens, AudioTokens(usage.PromptDetails));
        Interlocked.Add(ref _responseAudioTokens, AudioTokens(usage.ResponseDetails));
        Interlocked.Add(ref _thoughtsTokens, usage.ThoughtsTokens);
    }

    /// <summary>The AUDIO entry of a modality breakdown (audio is priced apart from text).</summary>
    private static long AudioTokens(IReadOnlyList<GeminiModalityTokens> details)
    {
        long total = 0;
        for (var i = 0; i < details.Count; i++)
        {
            if (details[i].Modality == "AUDIO")
            {
                total += details[i].TokenCount;
            }
        }

        return total;
    }
}
