namespace Chorus.Gemini.Tests;

public sealed class AudioBacklogTests
{
    [Fact]
    public void Drops_the_oldest_chunks_beyond_its_limit()
    {
        using var backlog = new AudioBacklog(limitBytes: 3 * Speech.ChunkBytes);
        var dropped = 0;
        for (var i = 0; i < 5; i++)
        {
            dropped += backlog.Add(Speech.Chunk(i));
        }

        Assert.Equal(2 * Speech.ChunkBytes, dropped);
        Assert.Equal(3 * Speech.ChunkBytes, backlog.Bytes);
        Assert.Equal([2, 3, 4], Drain(backlog));
    }

    [Fact]
    public void Chunks_dropped_in_a_burst_are_reused_by_the_next_ones_without_allocating()
    {
        // An acknowledgment drops a burst of chunks at once (here 4 s of them): more arrays than the shared pool keeps,
        // so handing them back to it meant allocating the next chunks afresh.
        using var backlog = new AudioBacklog(limitBytes: 1000 * Speech.ChunkBytes);
        var chunk = Speech.Chunk(1);
        void Round(long round)
        {
            for (var i = 0; i < 200; i++)
            {
                backlog.Add(chunk, (round * 1000) + i);
            }

            backlog.DropBefore((round * 1000) + 200);
        }

        Round(0);
        Round(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 2; round < 20; round++)
        {
            Round(round);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, backlog.Count);
    }

    [Fact]
    public void Prepending_puts_the_replay_first_and_keeps_the_limit()
    {
        using var backlog = new AudioBacklog(limitBytes: 4 * Speech.ChunkBytes);
        using var replay = new AudioBacklog(limitBytes: 2 * Speech.ChunkBytes);
        replay.Add(Speech.Chunk(1));
        replay.Add(Speech.Chunk(2));
        backlog.Add(Speech.Chunk(3));

        backlog.PrependFrom(replay);

        Assert.Equal(0, replay.Count);
        Assert.Equal([1, 2, 3], Drain(backlog));
    }

    [Fact]
    public void Prepending_skips_replay_chunks_older_than_the_cut_off()
    {
        using var backlog = new AudioBacklog(limitBytes: 10 * Speech.ChunkBytes);
        using var replay = new AudioBacklog(limitBytes: 10 * Speech.ChunkBytes);
        replay.Add(Speech.Chunk(1), timestamp: 100);
        replay.Add(Speech.Chunk(2), timestamp: 200);
        replay.Add(Speech.Chunk(3), timestamp: 300);

        backlog.PrependFrom(replay, since: 200);

        Assert.Equal(2 * Speech.ChunkBytes, backlog.Bytes);
        Assert.Equal(0, replay.Bytes);
        Assert.Equal([2, 3], Drain(backlog));
    }

    private static List<int> Drain(AudioBacklog backlog)
    {
        var all = new List<byte>();
        while (backlog.TryPeek(out var chunk))
        {
            all.AddRange(chunk.ToArray());
            backlog.DropHead();
        }

        return Speech.Sequences(all.ToArray());
    }
}
