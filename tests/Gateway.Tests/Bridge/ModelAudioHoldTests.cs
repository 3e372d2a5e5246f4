using Chorus.Gateway.Diagnostics;
using Chorus.Gemini.Events;

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
        await using var rig = new BridgeRig();
        // A sentence, the client's silence frames, and 200 ms: the user waits for the answer.
        rig.Speak(frames: 10);
        rig.Silence(frames: 5);
        rig.Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(rig.Bridge.IsAtPause(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2)));

        rig.Bridge.HoldModelAudio();
        rig.Bridge.OnAudio(Chunk);

        Assert.Equal(0, rig.Voice.Sender.Playout.Count);
        Assert.True(rig.Bridge.IsAtPause(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Held_audio_is_played_in_full_on_release()
    {
        await using var held = new BridgeRig();
        await using var direct = new BridgeRig();

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
        await using var rig = new BridgeRig();
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
        await using var rig = new BridgeRig();
        rig.Bridge.HoldModelAudio();
        rig.Bridge.OnAudio(Chunk);
        rig.Bridge.OnEvent(new GeminiInterrupted());
        rig.Bridge.ReleaseModelAudio();

        Assert.Equal(0, rig.Voice.Sender.Playout.Count);
    }
}
