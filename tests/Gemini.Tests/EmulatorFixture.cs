using Chorus.Diagnostics;
using Chorus.Emulators.Gemini;
using Chorus.Gemini.Diagnostics;

namespace Chorus.Gemini.Tests;

internal static class EmulatorFixture
{
    public const string Key = "test-key-0123456789-secret";

    public static GeminiEmulatorOptions Fast(GeminiReplyMode reply = GeminiReplyMode.Echo) => new()
    {
        ApiKey = Key,
        Reply = reply,
        ThinkTime = TimeSpan.FromMilliseconds(20),
        SpeechEndSilence = TimeSpan.FromMilliseconds(100),
        ReplySpeedup = 20,
    };

    /// <summary>
    /// Client options for <paramref name="emulator"/>: fast backoff, a 2 s give-up budget, a breaker of the
    /// conversation's own, so a test's failures never open the process-wide breaker of a port another test reuses, and
    /// instruments of its own, so a test reads only its conversation's counts (<see cref="Totals"/>).
    /// </summary>
    public static GeminiLiveOptions Client(GeminiLiveEmulator emulator, string model = "gemini-3.8-live")
    {
        var policy = new GeminiReconnectPolicy
        {
            GiveUpAfter = GiveUpAfter,
            BaseDelay = TimeSpan.FromMilliseconds(20),
            MaxDelay = TimeSpan.FromMilliseconds(200),
        };
        return new GeminiLiveOptions
        {
            ApiKey = Key,
            BaseUri = emulator.BaseUri,
            Model = model,
            SystemInstruction = "You are a helpful parrot.",
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Reconnect = policy,
            ServiceBreaker = new Resilience.GeminiServiceBreaker(policy, TimeProvider.System),
            Metrics = new GeminiMetrics(),
        };
    }

    /// <summary>The running counts of the conversations and sessions opened with <paramref name="client"/>.</summary>
    public static MeterTotals Totals(GeminiLiveOptions client) => new(client.Metrics!.Meter);

    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(2);

    /// <summary>Sends tagged speech chunks at a 20 ms pace (the rate Discord audio arrives at).</summary>
    public static async Task SpeakAsync(Func<ReadOnlyMemory<byte>, ValueTask> send, int from, int count, Func<int, Task>? afterChunk = null)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var sequence = from; sequence < from + count; sequence++)
        {
            await send(Speech.Chunk(sequence));
            if (afterChunk is not null)
            {
                await afterChunk(sequence);
            }

            await pace.WaitForNextTickAsync();
        }
    }

    public static async Task SilenceAsync(Func<ReadOnlyMemory<byte>, ValueTask> send, int count)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < count; i++)
        {
            await send(Speech.Silence());
            await pace.WaitForNextTickAsync();
        }
    }
}
