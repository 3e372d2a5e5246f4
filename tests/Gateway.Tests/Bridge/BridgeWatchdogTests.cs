using Chorus.Gateway.Diagnostics;
using Chorus.Gemini;

namespace Chorus.Gateway.Tests.Bridge;

/// <summary>
/// The bridge's watchdog on a fake clock: a conversation whose users' audio does not reach the model, or whose model
/// sends nothing after the users stopped, is logged and counted, and a stuck uplink ends the conversation.
/// </summary>
public sealed class BridgeWatchdogTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Audio_stuck_before_the_model_socket_is_logged_and_counted_then_ends_the_conversation()
    {
        await using var rig = new BridgeRig();
        rig.Uplink.Blocked = true;
        rig.Speak(frames: 3);
        await rig.WaitForSendsAsync(1);

        rig.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, rig.Totals.Total(GatewayMetrics.Instruments.ConversationStalls, GatewayMetrics.UplinkStalled));
        Assert.DoesNotContain(rig.Log.Lines, l => l.Contains("Uplink stalled", StringComparison.Ordinal));

        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, rig.Totals.Total(GatewayMetrics.Instruments.ConversationStalls, GatewayMetrics.UplinkStalled));
        Assert.Single(rig.Log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Uplink stalled", StringComparison.Ordinal));
        Assert.Equal(0, rig.Failures);

        // Still stuck: counted once per episode, and given up on at the limit through the conversation's failure path.
        for (var i = 0; i < 25; i++)
        {
            rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1, rig.Totals.Total(GatewayMetrics.Instruments.ConversationStalls, GatewayMetrics.UplinkStalled));
        Assert.Equal(1, rig.Failures);
        Assert.Equal(GeminiFailureKind.Transient, rig.LastFailure!.Kind);
    }

    [Fact]
    public async Task Audio_that_keeps_flowing_to_the_model_is_no_stall()
    {
        await using var rig = new BridgeRig();
        for (var second = 0; second < 20; second++)
        {
            rig.Speak(frames: 50);
            await rig.WaitForSendsAsync(50 * (second + 1));
            rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, rig.Totals.Total(GatewayMetrics.Instruments.ConversationStalls, GatewayMetrics.UplinkStalled));
        Assert.Equal(0, rig.Failures);
    }

    [Fact]
    public async Task A_model_that_sends_nothing_after_the_users_stopped_is_logged_and_counted_once()
    {
        await using var rig = new BridgeRig();
        rig.Speak(frames: 10);
        rig.Silence(frames: 5);
        rig.Time.Advance(TimeSpan.FromMilliseconds(200));
        await rig.WaitForStreamEndsAsync(1);

        for (var i = 0; i < 9; i++)
        {
            rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, rig.Totals.Total(GatewayMetrics.Instruments.ConversationStalls, GatewayMetrics.ModelSilent));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, rig.Totals.Total(GatewayMetrics.Instruments.ConversationStalls, GatewayMetrics.ModelSilent));
        Assert.Single(rig.Log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Gemini has sent nothing", StringComparison.Ordinal));

        rig.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, rig.Totals.Total(GatewayMetrics.Instruments.ConversationStalls, GatewayMetrics.ModelSilent));

        rig.Bridge.OnMessageReceived(rig.Time.GetTimestamp());
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains(rig.Log.Lines, l => l.Contains("Gemini is answering again", StringComparison.Ordinal));
        Assert.Equal(0, rig.Failures);
    }

    [Fact]
    public async Task A_model_that_answers_within_the_warning_time_raises_nothing()
    {
        await using var rig = new BridgeRig();
        rig.Speak(frames: 10);
        rig.Silence(frames: 5);
        rig.Time.Advance(TimeSpan.FromMilliseconds(200));
        await rig.WaitForStreamEndsAsync(1);
        rig.Time.Advance(TimeSpan.FromSeconds(3));
        rig.Bridge.OnMessageReceived(rig.Time.GetTimestamp());

        for (var i = 0; i < 20; i++)
        {
            rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, rig.Totals.Total(GatewayMetrics.Instruments.ConversationStalls, GatewayMetrics.ModelSilent));
        Assert.DoesNotContain(rig.Log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal));
    }
}
