using Chorus.Gateway.Bridge;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gateway.Tests.Bridge;

public sealed class SpeakerMixerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingSink _sink = new();

    [Fact]
    public void A_lone_speaker_passes_straight_through_without_waiting()
    {
        using var mixer = new SpeakerMixer(_sink, _time);
        var frame = Signals.Tone(440, -20);

        mixer.AddFrame(1, frame);
        mixer.AddFrame(1, frame);

        Assert.Equal(2, _sink.Frames.Count);
        Assert.Equal(frame, _sink.Frames[0]);
    }

    [Fact]
    public void Two_speakers_are_summed_into_one_frame_once_both_have_contributed()
    {
        using var mixer = new SpeakerMixer(_sink, _time);
        PrimeTwoSpeakers(mixer);

        mixer.AddFrame(1, Signals.Constant(100));
        Assert.Empty(_sink.Frames);
        mixer.AddFrame(2, Signals.Constant(200));

        var mixed = Assert.Single(_sink.Frames);
        Assert.All(mixed, s => Assert.Equal(300, s));
    }

    [Fact]
    public void A_slow_speaker_does_not_hold_the_slot_past_the_deadline()
    {
        using var mixer = new SpeakerMixer(_sink, _time) { MaxSlotWait = TimeSpan.FromMilliseconds(15) };
        PrimeTwoSpeakers(mixer);

        mixer.AddFrame(1, Signals.Constant(10));
        _time.Advance(TimeSpan.FromMilliseconds(14));
        Assert.Empty(_sink.Frames);
        _time.Advance(TimeSpan.FromMilliseconds(2));

        var alone = Assert.Single(_sink.Frames);
        Assert.All(alone, s => Assert.Equal(10, s));
    }

    [Fact]
    public void A_speaker_who_went_quiet_stops_counting_as_active()
    {
        using var mixer = new SpeakerMixer(_sink, _time) { ActiveWindow = TimeSpan.FromMilliseconds(100) };
        mixer.AddFrame(1, Signals.Constant(10));
        mixer.AddFrame(2, Signals.Constant(20));
        _time.Advance(TimeSpan.FromMilliseconds(150));
        _sink.Frames.Clear();

        mixer.AddFrame(1, Signals.Constant(10));

        Assert.Single(_sink.Frames);
    }

    [Fact]
    public void Loud_overlapping_speech_is_scaled_not_clipped()
    {
        using var mixer = new SpeakerMixer(_sink, _time);
        var a = Signals.Tone(300, -3);
        var b = Signals.Tone(300, -3);
        PrimeTwoSpeakers(mixer);

        mixer.AddFrame(1, a);
        mixer.AddFrame(2, b);

        var mixed = Assert.Single(_sink.Frames);
        Assert.Equal(1, mixer.FramesScaledToAvoidClipping);
        Assert.Equal(short.MaxValue, mixed.Max(s => Math.Abs((int)s)));
        // Same shape as the input (both equal, so the mix is the input scaled): correlation ~ 1.
        var dot = a.Zip(mixed, (x, y) => (double)x * y).Sum();
        var norm = Math.Sqrt(a.Sum(x => (double)x * x) * mixed.Sum(y => (double)y * y));
        Assert.True(dot / norm > 0.999, $"correlation {dot / norm}");
    }

    [Fact]
    public void Frames_of_the_wrong_size_are_dropped_and_counted()
    {
        using var mixer = new SpeakerMixer(_sink, _time);

        mixer.AddFrame(1, new short[100]);
        mixer.AddFrame(1, []);

        Assert.Empty(_sink.Frames);
        Assert.Equal(2, mixer.FramesDroppedMalformed);
    }

    [Fact]
    public void A_speaker_who_leaves_releases_the_slot_at_once()
    {
        using var mixer = new SpeakerMixer(_sink, _time);
        PrimeTwoSpeakers(mixer);
        mixer.AddFrame(1, Signals.Constant(1));
        Assert.Empty(_sink.Frames);

        mixer.RemoveSpeaker(2);

        Assert.Single(_sink.Frames);
    }

    /// <summary>Makes speakers 1 and 2 both active and leaves no slot open.</summary>
    private void PrimeTwoSpeakers(SpeakerMixer mixer)
    {
        mixer.AddFrame(1, new short[SpeakerMixer.FrameSamples]);
        mixer.AddFrame(2, new short[SpeakerMixer.FrameSamples]);
        _time.Advance(mixer.MaxSlotWait);
        _sink.Frames.Clear();
    }

    internal sealed class RecordingSink : IMixedAudioSink
    {
        public List<short[]> Frames { get; } = [];

        public void OnMixedFrame(ReadOnlySpan<short> pcm, long oldestArrival) => Frames.Add(pcm.ToArray());
    }
}
