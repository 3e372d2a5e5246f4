using Chorus.Discord.Voice.Receive;

namespace Chorus.Discord.Tests.Voice;

public sealed class JitterBufferTests
{
    private static List<(bool Lost, ushort Seq, byte First)> Drain(JitterBuffer buffer)
    {
        var items = new List<(bool, ushort, byte)>();
        while (buffer.TryTake(out var item))
        {
            items.Add((item.IsLost, item.Sequence, item.IsLost ? (byte)0 : buffer.PayloadOf(item)[0]));
        }

        return items;
    }

    [Fact]
    public void In_order_packets_pass_straight_through()
    {
        var buffer = new JitterBuffer();
        for (ushort s = 65534; s != 2; s++)
        {
            Assert.Equal(JitterInsertResult.Accepted, buffer.Insert(s, 0, [(byte)s]));
            Assert.Equal([(false, s, (byte)s)], Drain(buffer));
        }
    }

    [Fact]
    public void Reordered_packets_come_out_in_sequence()
    {
        var buffer = new JitterBuffer(reorderDepth: 3);
        buffer.Insert(10, 0, [10]);
        Drain(buffer);
        Assert.Equal(JitterInsertResult.Accepted, buffer.Insert(12, 0, [12]));
        Assert.Empty(Drain(buffer));
        Assert.Equal(JitterInsertResult.AcceptedOutOfOrder, buffer.Insert(11, 0, [11]));
        Assert.Equal([(false, (ushort)11, (byte)11), (false, (ushort)12, (byte)12)], Drain(buffer));
    }

    [Fact]
    public void Duplicates_and_late_packets_are_refused()
    {
        var buffer = new JitterBuffer();
        buffer.Insert(5, 0, [5]);
        buffer.Insert(7, 0, [7]);
        Assert.Equal(JitterInsertResult.Duplicate, buffer.Insert(7, 0, [7]));
        Drain(buffer);
        Assert.Equal(JitterInsertResult.Late, buffer.Insert(5, 0, [5]));
        Assert.Equal(JitterInsertResult.Late, buffer.Insert(4, 0, [4]));
    }

    [Fact]
    public void A_gap_is_declared_lost_once_enough_later_packets_wait()
    {
        var buffer = new JitterBuffer(reorderDepth: 2);
        buffer.Insert(1, 960, [1]);
        Drain(buffer);
        buffer.Insert(3, 2880, [3]);
        Assert.Empty(Drain(buffer));
        buffer.Insert(4, 3840, [4]);
        Assert.Equal([(true, (ushort)2, (byte)0), (false, (ushort)3, (byte)3), (false, (ushort)4, (byte)4)], Drain(buffer));
    }

    [Fact]
    public void Long_gaps_are_skipped_without_concealment()
    {
        var buffer = new JitterBuffer(reorderDepth: 1, maxConcealedFrames: 2);
        buffer.Insert(1, 0, [1]);
        Drain(buffer);
        buffer.Insert(10, 0, [10]);
        Assert.Equal([(false, (ushort)10, (byte)10)], Drain(buffer));
    }

    [Fact]
    public void A_huge_jump_restarts_the_buffer()
    {
        var buffer = new JitterBuffer();
        buffer.Insert(1, 0, [1]);
        Drain(buffer);
        Assert.Equal(JitterInsertResult.Restarted, buffer.Insert(30000, 0, [9]));
        Assert.Equal([(false, (ushort)30000, (byte)9)], Drain(buffer));
    }

    [Fact]
    public void Oversized_payloads_are_refused()
    {
        Assert.Equal(JitterInsertResult.TooLarge, new JitterBuffer().Insert(1, 0, new byte[JitterBuffer.MaxPayloadLength + 1]));
    }
}
