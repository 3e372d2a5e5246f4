using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Gateway.Diagnostics;

namespace Chorus.LoadHarness;

/// <summary>Counters summed over every conversation; subtracted to get what one measuring window did.</summary>
internal readonly record struct CounterTotals(
    long UplinkDropped, long ModelAudioDropped, long ReceiveLate, long ReceiveConcealed, long SendFailed, long SendNotReady,
    long ReplyFramesAfterInterrupt, long FrameDecryptFailed, long FramesToGemini, long FramesBuffered, long ReplyFramesSent, long Turns, long Interruptions, long LocalBargeIns, long Failures,
    long DatagramsReceived)
{
    public DropCounts Drops => new(UplinkDropped, ModelAudioDropped, ReceiveLate, ReceiveConcealed, SendFailed, SendNotReady, ReplyFramesAfterInterrupt, FrameDecryptFailed);

    public TrafficCounts Traffic => new(FramesToGemini, FramesBuffered, ReplyFramesSent, Turns, Interruptions, LocalBargeIns, Failures, DatagramsReceived);

    public static CounterTotals Of(IEnumerable<LoadConversation> conversations)
    {
        var total = default(CounterTotals);
        foreach (var c in conversations)
        {
            var bridge = c.BridgeCounts;
            var discord = c.DiscordTotals;
            total += new CounterTotals(
                DroppedBy(bridge, GatewayMetrics.Tags.UplinkFull) + DroppedBy(bridge, GatewayMetrics.Tags.UplinkFailed),
                DroppedBy(bridge, GatewayMetrics.Tags.ModelAudioSuppressed), discord.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Late),
                discord.Total(DiscordMetrics.FramesConcealedName), discord.Total(DiscordMetrics.PacketsDroppedName, MetricTag.SendFailed),
                discord.Total(DiscordMetrics.PacketsDroppedName, MetricTag.NotReady),
                bridge.Total(GatewayMetrics.Instruments.FramesAfterInterrupt), discord.Total(DiscordMetrics.PacketsDroppedName, MetricTag.FrameDecryptFailed),
                bridge.Total(GatewayMetrics.Instruments.UplinkFrames), bridge.Total(GatewayMetrics.Instruments.UplinkBuffered),
                discord.Total(DiscordMetrics.PacketsSentName, MetricTag.Audio), bridge.Total(GatewayMetrics.Instruments.Turns),
                InterruptionsBy(bridge, GatewayMetrics.Tags.Server), InterruptionsBy(bridge, GatewayMetrics.Tags.LocalBargeIn), c.Failures,
                discord.Total(DiscordMetrics.PacketsReceivedName));
        }
        return total;
    }


    private static long DroppedBy(MeterTotals bridge, string cause) =>
        bridge.Total(GatewayMetrics.Instruments.FramesDropped, GatewayMetrics.Tags.Cause, cause);

    private static long InterruptionsBy(MeterTotals bridge, string cause) =>
        bridge.Total(GatewayMetrics.Instruments.Interruptions, GatewayMetrics.Tags.Cause, cause);

    public static CounterTotals operator +(CounterTotals a, CounterTotals b) => Combine(a, b, 1);

    public static CounterTotals operator -(CounterTotals a, CounterTotals b) => Combine(a, b, -1);

    private static CounterTotals Combine(CounterTotals a, CounterTotals b, int sign) => new(
        a.UplinkDropped + sign * b.UplinkDropped, a.ModelAudioDropped + sign * b.ModelAudioDropped, a.ReceiveLate + sign * b.ReceiveLate,
        a.ReceiveConcealed + sign * b.ReceiveConcealed, a.SendFailed + sign * b.SendFailed, a.SendNotReady + sign * b.SendNotReady,
        a.ReplyFramesAfterInterrupt + sign * b.ReplyFramesAfterInterrupt, a.FrameDecryptFailed + sign * b.FrameDecryptFailed, a.FramesToGemini + sign * b.FramesToGemini, a.FramesBuffered + sign * b.FramesBuffered,
        a.ReplyFramesSent + sign * b.ReplyFramesSent, a.Turns + sign * b.Turns, a.Interruptions + sign * b.Interruptions,
        a.LocalBargeIns + sign * b.LocalBargeIns, a.Failures + sign * b.Failures, a.DatagramsReceived + sign * b.DatagramsReceived);
}
