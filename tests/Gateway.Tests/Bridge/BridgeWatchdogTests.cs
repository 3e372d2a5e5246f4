using Chorus.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Send;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Time.Testing;

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
        await using var rig = new Rig();
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
        await using var rig = new Rig();
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
        await using var rig = new Rig();
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
        await using var rig = new Rig();
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

    /// <summary>A bridge on a fake clock, attached to an unstarted voice connection and a stand-in for the model's socket.</summary>
    private sealed class Rig : IAsyncDisposable, IStreamingBridgeObserver
    {
        private readonly VoicePacingClock _clock;
        private readonly GatewayMetrics _metrics = new();
        private int _failures;

        public Rig()
        {
            _clock = new VoicePacingClock(threads: 1, time: Time);
            Totals = new MeterTotals(_metrics.Meter);
            Bridge = new StreamingBridge(new StreamingBridgeOptions(), this, Log, Time, _metrics);
            Voice = new VoiceConnection(
                new VoiceServerCredentials("127.0.0.1:1", 1, 2, "session", "token"),
                new VoiceConnectionOptions { Clock = _clock, PcmFrameHandler = Bridge.OnPcmFrame });
            Bridge.AttachUplink(Voice, Uplink);
        }

        public FakeTimeProvider Time { get; } = new();

        public CapturingLogger Log { get; } = new();

        public StandInUplink Uplink { get; } = new();

        public StreamingBridge Bridge { get; }

        /// <summary>What this rig's bridge counted (its own instruments).</summary>
        public MeterTotals Totals { get; }

        public VoiceConnection Voice { get; }

        public int Failures => Volatile.Read(ref _failures);

        public GeminiLiveException? LastFailure { get; private set; }

        /// <summary>Frames of speech straight into the gate, as the mixer hands them over.</summary>
        public void Speak(int frames)
        {
            for (var i = 0; i < frames; i++)
            {
                Bridge.Gate.OnMixedFrame(Signals.Tone(300, -20), Time.GetTimestamp());
            }
        }

        /// <summary>The client's silence frames that close a talk spurt.</summary>
        public void Silence(int frames)
        {
            for (var i = 0; i < frames; i++)
            {
                Bridge.Gate.OnMixedFrame(new short[320], Time.GetTimestamp());
            }
        }

        public Task WaitForSendsAsync(int sends) =>
            Wait.UntilAsync(() => Uplink.Sends >= sends, Uplink.Changed, WaitLimit, () => $"{sends} sends (saw {Uplink.Sends})");

        public Task WaitForStreamEndsAsync(int ends) =>
            Wait.UntilAsync(() => Uplink.StreamEnds >= ends, Uplink.Changed, WaitLimit, () => $"{ends} stream ends (saw {Uplink.StreamEnds})");

        void IStreamingBridgeObserver.OnConversationFailed(GeminiLiveException error)
        {
            LastFailure = error;
            Interlocked.Increment(ref _failures);
        }

        void IStreamingBridgeObserver.OnTurnComplete()
        {
        }

        void IStreamingBridgeObserver.OnResumptionHandle(string handle)
        {
        }

        void IStreamingBridgeObserver.OnTranscription(GeminiTranscriptionSource source, string text, bool finished)
        {
        }

        void IStreamingBridgeObserver.OnGeminiConnectionChanged(bool connected)
        {
        }

        public async ValueTask DisposeAsync()
        {
            Uplink.Release();
            await Bridge.DisposeAsync();
            await Voice.DisposeAsync();
            _clock.Dispose();
            Totals.Dispose();
            _metrics.Meter.Dispose();
        }
    }

    /// <summary>The model's socket: takes each chunk at once, or (blocked) holds the first send until released.</summary>
    private sealed class StandInUplink : StreamingBridge.IGeminiUplink
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _sends;
        private int _streamEnds;

        public bool Blocked { get; set; }

        public ChangeSignal Changed { get; } = new();

        public int Sends => Volatile.Read(ref _sends);

        public int StreamEnds => Volatile.Read(ref _streamEnds);

        public void Release() => _released.TrySetResult();

        public async ValueTask<bool> TrySendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            Changed.Notify();
            if (Blocked)
            {
                await _released.Task.WaitAsync(cancellationToken);
            }

            return true;
        }

        public ValueTask SendAudioStreamEndAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _streamEnds);
            Changed.Notify();
            return ValueTask.CompletedTask;
        }
    }
}
