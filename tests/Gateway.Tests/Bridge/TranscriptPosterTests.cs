using System.Threading.Channels;
using Chorus.Gateway.Bridge;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Gateway.Tests.Bridge;

public sealed class TranscriptPosterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_turn_is_posted_once_with_both_sides()
    {
        var posted = Channel.CreateUnbounded<string>();
        await using var poster = TranscriptPoster.Start((m, ct) => posted.Writer.WriteAsync(m, ct).AsTask(), NullLogger.Instance);

        poster.Add(GeminiTranscriptionSource.Input, "What is ");
        poster.Add(GeminiTranscriptionSource.Input, "the time?");
        poster.Add(GeminiTranscriptionSource.Output, "It is noon.");
        poster.CompleteTurn();
        var message = await posted.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        Assert.Equal("**Heard:** What is the time?\n**Said:** It is noon.", message);
    }

    [Fact]
    public async Task Turns_without_words_post_nothing()
    {
        var count = 0;
        var poster = TranscriptPoster.Start((_, _) => { Interlocked.Increment(ref count); return Task.CompletedTask; }, NullLogger.Instance);

        poster.CompleteTurn();
        poster.Add(GeminiTranscriptionSource.Output, "   ");
        poster.CompleteTurn();
        await poster.DisposeAsync();

        Assert.Equal(0, count);
    }

    [Fact]
    public void Spoken_mentions_are_defused_and_long_turns_split_at_the_message_limit()
    {
        var parts = TranscriptPoster.Format("hey @everyone look at <@123>", new string('x', 2500));

        Assert.StartsWith("**Heard:** hey @\u200beveryone look at <@\u200b123>", parts[0]);
        Assert.Equal(2, parts.Count);
        Assert.Equal(TranscriptPoster.MaxMessageLength, parts[0].Length);
        Assert.Equal(string.Concat(parts), "**Heard:** hey @\u200beveryone look at <@\u200b123>\n**Said:** " + new string('x', 2500));
    }

    [Fact]
    public async Task A_stuck_channel_drops_the_oldest_turns_instead_of_growing()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = new List<string>();
        var poster = TranscriptPoster.Start(async (m, _) =>
        {
            started.TrySetResult();
            await release.Task;
            lock (posted)
            {
                posted.Add(m);
            }
        }, NullLogger.Instance, maxQueuedTurns: 2);

        poster.Add(GeminiTranscriptionSource.Input, "turn 0");
        poster.CompleteTurn();
        await started.Task.WaitAsync(Wait);
        for (var i = 1; i <= 5; i++)
        {
            poster.Add(GeminiTranscriptionSource.Input, $"turn {i}");
            poster.CompleteTurn();
        }
        release.SetResult();
        await poster.DisposeAsync();

        Assert.Equal(["**Heard:** turn 0", "**Heard:** turn 4", "**Heard:** turn 5"], posted);
        Assert.Equal(3, poster.Dropped);
    }

    [Fact]
    public async Task A_failed_post_is_counted_and_the_next_turn_still_goes_out()
    {
        var posted = Channel.CreateUnbounded<string>();
        var calls = 0;
        await using var poster = TranscriptPoster.Start((m, ct) =>
            Interlocked.Increment(ref calls) == 1 ? throw new HttpRequestException("503") : posted.Writer.WriteAsync(m, ct).AsTask(),
            NullLogger.Instance);

        poster.Add(GeminiTranscriptionSource.Input, "first");
        poster.CompleteTurn();
        poster.Add(GeminiTranscriptionSource.Input, "second");
        poster.CompleteTurn();
        var message = await posted.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        Assert.Equal("**Heard:** second", message);
        Assert.Equal(1, poster.Failed);
    }
}
