using Chorus.Emulators.Voice;

namespace Chorus.LoadHarness;

/// <summary>What each scripted user does: speak, leave room for the echoed answer, and again.</summary>
internal static class ScriptedTalk
{
    public const ulong Bot = 1;
    public const ulong User = 2;
    public const ulong FirstGuild = 100_000;

    /// <summary>
    /// Talks until <paramref name="stop"/> fires. Every <paramref name="interruptEvery"/>th utterance starts
    /// halfway through the answer, to measure barge-in. <paramref name="spoken"/> runs each time the user has stopped sending.
    /// </summary>
    public static async Task TalkAsync(
        ScriptedVoiceUser speaker, IReadOnlyList<byte[]> utterance, TimeSpan speech, int interruptEvery, TimeSpan initialDelay, Action spoken,
        CancellationToken stop)
    {
        // The answer starts ~0.3 s after the user stops (end-of-speech silence + think time) and lasts as long as the speech.
        var fullPause = speech + TimeSpan.FromMilliseconds(700);
        var interruptingPause = TimeSpan.FromMilliseconds(300) + speech / 2;
        long utterances = 0;
        try
        {
            await Task.Delay(initialDelay, stop);
            while (!stop.IsCancellationRequested)
            {
                await speaker.SpeakOpusAsync(utterance, cancellationToken: stop);
                spoken();
                utterances++;
                var interrupt = interruptEvery > 0 && utterances % interruptEvery == 0;
                await Task.Delay(interrupt ? interruptingPause : fullPause, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Users start at spread-out times so the turns are not in lockstep.</summary>
    public static TimeSpan StartOffset(int index, int count, double utteranceSeconds) =>
        TimeSpan.FromSeconds(2 * utteranceSeconds + 0.7) * index / Math.Max(1, count);
}
