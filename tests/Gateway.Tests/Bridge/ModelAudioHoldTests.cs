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
/// A handover's pause check holds the model's audio: an answer that arrives between the check and the handover does not
/// start (it would be cut and heard again from the receiving gateway), and is played in order if the call is not handed
/// over, or dropped if it is.
/// </summary>
public sealed class ModelAudioHoldTests
{
    private static readonly byte[] Chunk = new byte[960];

    [Fact]
    public async Task An_answer_arriving_while_held_keeps_the_call_at_its_pause()
    {
        await using var rig = new Rig();
        rig.UserSpokeAndStopped();
        Assert.True(rig.Bridge.IsAtPause(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2)));

        rig.Bridge.HoldModelAudio();
        rig.Bridge.OnAudio(Chunk);

        Assert.Equal(0, rig.Voice.Sender.Playout.Count);
        Assert.True(rig.Bridge.IsAtPause(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Held_audio_is_played_in_full_on_release()
    {
        await using var held = new Rig();
        await using var direct = new Rig();

        held.Bridge.HoldModelAudio();
        held.Bridge.OnAudio(Chunk);
        held.Bridge.OnAudio(Chunk);
        held.Bridge.ReleaseModelAudio();
        held.Bridge.OnAudio(Chunk);
        direct.Bridge.OnAudio(Chunk);
        direct.Bridge.OnAudio(Chunk);
        direct.Bridge.OnAudio(Chunk);

        Assert.True(direct.Voice.Sender.Playout.Count > 0);
        Assert.Equal(direct.Voice.Sender.Playout.Count, held.Voice.Sender.Playout.Count);
        Assert.Equal(0, held.Totals.Total(GatewayMetrics.Instruments.FramesDropped));
    }

    [Fact]
    public async Task Held_audio_is_dropped_and_counted_when_the_call_is_handed_over()
    {
        await using var rig = new Rig();
        rig.Bridge.HoldModelAudio();
        rig.Bridge.OnAudio(Chunk);
        rig.Bridge.OnAudio(Chunk);

        rig.Bridge.SilenceModel();
        rig.Bridge.OnAudio(Chunk);
        rig.Bridge.ReleaseModelAudio();

        Assert.Equal(0, rig.Voice.Sender.Playout.Count);
        Assert.Equal(3, rig.Totals.Total(GatewayMetrics.Instruments.FramesDropped, GatewayMetrics.ModelAudioSuppressed));
    }

    [Fact]
    public async Task An_interruption_discards_the_held_audio_of_the_interrupted_answer()
    {
        await using var rig = new Rig();
        rig.Bridge.HoldModelAudio();
        rig.Bridge.OnAudio(Chunk);
        rig.Bridge.OnEvent(new GeminiInterrupted());
        rig.Bridge.ReleaseModelAudio();

        Assert.Equal(0, rig.Voice.Sender.Playout.Count);
    }

    private sealed class Rig : IAsyncDisposable, IStreamingBridgeObserver
    {
        private readonly VoicePacingClock _clock;
        private readonly GatewayMetrics _metrics = new();

        public Rig()
        {
            _clock = new VoicePacingClock(threads: 1, time: Time);
            Totals = new MeterTotals(_metrics.Meter);
            Bridge = new StreamingBridge(new StreamingBridgeOptions(), this, new CapturingLogger(), Time, _metrics);
            Voice = new VoiceConnection(
                new VoiceServerCredentials("127.0.0.1:1", 1, 2, "session", "token"),
                new VoiceConnectionOptions { Clock = _clock, PcmFrameHandler = Bridge.OnPcmFrame });
            Bridge.AttachUplink(Voice, new TakingUplink());
        }

        public FakeTimeProvider Time { get; } = new();

        public StreamingBridge Bridge { get; }

        public MeterTotals Totals { get; }

        public VoiceConnection Voice { get; }

        /// <summary>A sentence through the gate, then the client's silence frames and 200 ms: the user waits for the answer.</summary>
        public void UserSpokeAndStopped()
        {
            for (var i = 0; i < 10; i++)
            {
                Bridge.Gate.OnMixedFrame(Signals.Tone(300, -20), Time.GetTimestamp());
            }

            for (var i = 0; i < 5; i++)
            {
                Bridge.Gate.OnMixedFrame(new short[320], Time.GetTimestamp());
            }

            Time.Advance(TimeSpan.FromMilliseconds(200));
        }

        void IStreamingBridgeObserver.OnConversationFailed(GeminiLiveException error)
        {
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
            await Bridge.DisposeAsync();
            await Voice.DisposeAsync();
            _clock.Dispose();
            Totals.Dispose();
            _metrics.Meter.Dispose();
        }
    }

    private sealed class TakingUplink : StreamingBridge.IGeminiUplink
    {
        public ValueTask<bool> TrySendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken) => ValueTask.FromResult(true);

        public ValueTask SendAudioStreamEndAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
