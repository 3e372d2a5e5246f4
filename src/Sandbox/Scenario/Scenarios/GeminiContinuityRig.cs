using Chorus.Diagnostics;
using Chorus.Emulators.Gemini;
using Chorus.Gemini;
using Chorus.Gemini.Diagnostics;
using Chorus.Gemini.Events;

namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>
/// The bot's Gemini Live client (one <see cref="GeminiConversation"/>, as the streaming bridge uses it) in a
/// scripted conversation with the strict emulator, which misbehaves as a scenario scripts it: each turn is a short
/// utterance, then silence until the answer ends. Discord is left out: these scenarios are about the Live session.
/// </summary>
internal static class GeminiContinuityRig
{
    /// <summary>Turns each scenario speaks: enough for the figures (at least 30 across the misbehaviour).</summary>
    public const int Turns = 30;

    private const string Key = "sandbox-gemini-key";
    private const int ChunkBytes = 640;
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(10);

    public static async Task<GeminiContinuityResult> RunAsync(GeminiEmulatorOptions script, TextWriter output, CancellationToken cancellationToken)
    {
        await using var emulator = await GeminiLiveEmulator.StartAsync(script with
        {
            ApiKey = Key,
            ThinkTime = TimeSpan.FromMilliseconds(50),
            SpeechEndSilence = TimeSpan.FromMilliseconds(200),
            ReplySpeedup = 4,
        }, cancellationToken);
        var listener = new Listener();
        // Instruments of this conversation's own: the report counts its handovers and refusals, nothing else's.
        var metrics = new GeminiMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        using var handoverGaps = new HistogramValues(metrics.Meter, GeminiMetrics.Instruments.HandoverGap);
        var options = new GeminiLiveOptions
        {
            ApiKey = Key,
            BaseUri = emulator.BaseUri,
            Model = GeminiLiveOptions.DefaultModel,
            SystemInstruction = SandboxScenario.Persona,
            Metrics = metrics,
        };
        await using var conversation = new GeminiConversation(options, listener);
        await conversation.StartAsync(cancellationToken: cancellationToken);
        var time = TimeProvider.System;
        var responses = new List<double?>();
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var turn = 1; turn <= Turns && !Failed(conversation); turn++)
        {
            var answered = listener.TurnsCompleted;
            for (var i = 0; i < 15; i++)
            {
                await conversation.SendAudioAsync(Tone(turn), cancellationToken);
                await pace.WaitForNextTickAsync(cancellationToken);
            }

            var stopped = time.GetTimestamp();
            listener.ExpectAnswer();
            while (listener.TurnsCompleted == answered && time.GetElapsedTime(stopped) < AnswerWait && !Failed(conversation))
            {
                await conversation.SendAudioAsync(new byte[ChunkBytes], cancellationToken);
                await pace.WaitForNextTickAsync(cancellationToken);
            }

            var response = listener.FirstAudioAt is { } heard ? time.GetElapsedTime(stopped, heard).TotalMilliseconds : (double?)null;
            responses.Add(listener.TurnsCompleted > answered ? response : null);
            output.WriteLine(responses[^1] is { } ms
                ? $"  turn {turn,2}: answered {ms,5:0} ms after the user stopped"
                : $"  turn {turn,2}: NOT answered within {AnswerWait.TotalSeconds:0} s");
        }

        // A duplicate answer (a turn replayed after it was answered) would come in the quiet after the last turn.
        for (var i = 0; i < 25; i++)
        {
            await conversation.SendAudioAsync(new byte[ChunkBytes], cancellationToken);
            await pace.WaitForNextTickAsync(cancellationToken);
        }

        return new GeminiContinuityResult(
            responses,
            emulator.Recording.Turns,
            emulator.Recording.Connections,
            totals.Total(GeminiMetrics.Instruments.Handovers),
            totals.Total(GeminiMetrics.Instruments.ConnectionsLost),
            totals.Total(GeminiMetrics.Instruments.ResumesRefused),
            totals.Total(GeminiMetrics.Instruments.SeededSessions),
            [.. handoverGaps.Values.Select(TimeSpan.FromSeconds)],
            listener.TurnsCompleted,
            Failed(conversation) ? conversation.Completion.Result?.Message ?? "failed" : null);
    }

    private static bool Failed(GeminiConversation conversation) => conversation.State == GeminiConversationState.Failed;

    /// <summary>20 ms of a tone whose pitch follows the turn, loud enough for the emulator's voice detector.</summary>
    private static byte[] Tone(int turn)
    {
        var pcm = new byte[ChunkBytes];
        for (var i = 0; i < pcm.Length / 2; i++)
        {
            var sample = (short)(8000 * Math.Sin(2 * Math.PI * (200 + (turn * 10)) * i / 16_000));
            pcm[i * 2] = (byte)sample;
            pcm[(i * 2) + 1] = (byte)(sample >> 8);
        }

        return pcm;
    }

    private sealed class Listener : IGeminiLiveListener
    {
        private int _turnsCompleted;
        private long _firstAudioAt;
        private volatile bool _waiting;

        public int TurnsCompleted => Volatile.Read(ref _turnsCompleted);

        public long? FirstAudioAt => Volatile.Read(ref _firstAudioAt) is var at and > 0 ? at : null;

        public void ExpectAnswer()
        {
            Volatile.Write(ref _firstAudioAt, 0);
            _waiting = true;
        }

        public void OnAudio(ReadOnlySpan<byte> pcm24k)
        {
            if (_waiting)
            {
                _waiting = false;
                Volatile.Write(ref _firstAudioAt, TimeProvider.System.GetTimestamp());
            }
        }

        public void OnEvent(GeminiEvent liveEvent)
        {
            if (liveEvent is GeminiTurnComplete)
            {
                Interlocked.Increment(ref _turnsCompleted);
            }
        }
    }
}

/// <summary>What one continuity scenario saw, from both ends of the Live socket.</summary>
/// <param name="Responses">Per spoken turn: ms from the end of the utterance to the first answer audio, null when unanswered.</param>
/// <param name="ServedTurns">The turns the emulator's model answered, in order.</param>
/// <param name="Connections">Every socket the emulator accepted.</param>
/// <param name="Handovers">Connections the client replaced ahead of a goAway (its conversation's own instruments, as the next four).</param>
/// <param name="ConnectionsLost">Connections that ended without the client asking.</param>
/// <param name="ResumesRefused">Resumes the client gave up for a fresh session.</param>
/// <param name="SeededSessions">Fresh sessions seeded with the recent conversation.</param>
/// <param name="HandoverGaps">Per goAway handover, the time nobody could hear the bot, in order.</param>
/// <param name="TurnsCompleted">Turn ends the client heard.</param>
/// <param name="Failure">Why the conversation failed, if it did.</param>
internal sealed record GeminiContinuityResult(
    IReadOnlyList<double?> Responses,
    IReadOnlyList<GeminiEmulatorTurn> ServedTurns,
    IReadOnlyList<GeminiEmulatorConnection> Connections,
    long Handovers,
    long ConnectionsLost,
    long ResumesRefused,
    long SeededSessions,
    IReadOnlyList<TimeSpan> HandoverGaps,
    int TurnsCompleted,
    string? Failure)
{
    /// <summary>The model's turns that carried answer audio (a turn cut before its first audio was never heard).</summary>
    public IReadOnlyList<GeminiEmulatorTurn> Answers => [.. ServedTurns.Where(t => t.FirstReplyAt is not null)];

    /// <summary>
    /// Every spoken turn was answered, and exactly once: one finished answer per utterance and as many turn ends heard
    /// by the client. An answer the server began in the instant the client closed the old socket for a handover is
    /// allowed, at most one per handover: the client had retired that socket, so none of it was played, and the turn
    /// was answered once on the next one (no client can close a socket and know the server did not start meanwhile).
    /// </summary>
    public bool EveryTurnAnsweredOnce =>
        Failure is null
        && Responses.Count == GeminiContinuityRig.Turns
        && Responses.All(r => r is not null)
        && Answers.Count(t => t.CompletedAt is not null) == GeminiContinuityRig.Turns
        && Answers.Count(t => t.CompletedAt is null) <= Handovers
        && TurnsCompleted == GeminiContinuityRig.Turns;

    public string TurnsLine =>
        $"turns answered: {Responses.Count(r => r is not null)} of {GeminiContinuityRig.Turns} spoken; the model answered {Answers.Count} " +
        $"({Answers.Count(t => t.CompletedAt is null)} begun as a socket closed, never played), the client heard {TurnsCompleted} turn ends; " +
        $"{ServedTurns.Count - Answers.Count} turns cut by a new socket before any answer and answered on it";

    public string ResponseLine
    {
        get
        {
            var answered = Responses.OfType<double>().Order().ToList();
            return answered.Count == 0
                ? "response: none"
                : $"response (user stopped -> first answer audio): p50 {answered[answered.Count / 2]:0} ms, max {answered[^1]:0} ms";
        }
    }

    /// <summary>PASS or FAIL with the reasons, printed last.</summary>
    public static int Verdict(TextWriter output, string scenario, IReadOnlyList<string> failures)
    {
        output.WriteLine(failures.Count == 0 ? $"PASS {scenario}" : $"FAIL {scenario}: {string.Join("; ", failures)}");
        return failures.Count == 0 ? 0 : 1;
    }
}
