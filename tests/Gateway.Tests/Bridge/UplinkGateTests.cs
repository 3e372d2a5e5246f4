using Chorus.Gateway.Bridge;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gateway.Tests.Bridge;

public sealed class UplinkGateTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingUplink _uplink = new();

    [Fact]
    public void Speech_is_sent_then_a_short_quiet_tail_then_one_stream_end_then_nothing()
    {
        using var gate = new UplinkGate(_uplink, _time) { SilenceTail = TimeSpan.FromMilliseconds(100) };

        for (var i = 0; i < 10; i++)
        {
            gate.OnMixedFrame(Signals.Tone(300, -20), 0);
        }

        for (var i = 0; i < 50; i++)
        {
            gate.OnMixedFrame(Signals.Noise(-70, new Random(i)), 0);
        }

        Assert.Equal(10 + 5, _uplink.FramesSent);
        Assert.Equal(1, _uplink.StreamEnds);
        Assert.Equal(45, gate.FramesWithheldAsSilence);
        Assert.Equal(["audio", "end"], _uplink.Events.Distinct());
    }

    [Fact]
    public void When_frames_stop_arriving_the_stream_ends_after_the_idle_timeout()
    {
        using var gate = new UplinkGate(_uplink, _time) { IdleTimeout = TimeSpan.FromMilliseconds(120) };
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, _uplink.StreamEnds);
        _time.Advance(TimeSpan.FromMilliseconds(30));

        Assert.Equal(1, _uplink.StreamEnds);
    }

    [Fact]
    public void The_idle_timeout_counts_from_the_latest_frame_not_the_first()
    {
        using var gate = new UplinkGate(_uplink, _time) { IdleTimeout = TimeSpan.FromMilliseconds(120) };
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);

        // Past the first frame's timeout (120 ms) but not the latest one's (220 ms).
        _time.Advance(TimeSpan.FromMilliseconds(115));
        Assert.Equal(0, _uplink.StreamEnds);

        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(1, _uplink.StreamEnds);
        Assert.Equal(2, _uplink.FramesSent);
        Assert.Equal(["audio", "end"], _uplink.Events);
    }

    [Fact]
    public void A_second_of_speech_keeps_the_stream_open_and_it_ends_the_idle_timeout_after_the_last_frame()
    {
        using var gate = new UplinkGate(_uplink, _time) { IdleTimeout = TimeSpan.FromMilliseconds(120) };
        for (var i = 0; i < 50; i++)
        {
            gate.OnMixedFrame(Signals.Tone(300, -20), 0);
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(0, _uplink.StreamEnds);
        _time.Advance(TimeSpan.FromMilliseconds(90));
        Assert.Equal(0, _uplink.StreamEnds);

        _time.Advance(TimeSpan.FromMilliseconds(15));
        Assert.Equal(1, _uplink.StreamEnds);
        Assert.Equal(50, _uplink.FramesSent);
    }

    [Fact]
    public void Silence_before_anyone_speaks_is_never_sent()
    {
        using var gate = new UplinkGate(_uplink, _time);

        for (var i = 0; i < 100; i++)
        {
            gate.OnMixedFrame(new short[320], 0);
        }

        Assert.Equal(0, _uplink.FramesSent);
        Assert.Equal(0, _uplink.StreamEnds);
    }

    [Fact]
    public void Half_duplex_mutes_the_uplink_and_ends_an_open_stream()
    {
        using var gate = new UplinkGate(_uplink, _time);
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);

        gate.Muted = true;
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);
        gate.Muted = false;
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);

        Assert.Equal(2, _uplink.FramesSent);
        Assert.Equal(2, gate.FramesMuted);
        Assert.Equal(["audio", "end", "audio"], _uplink.Events);
    }

    [Fact]
    public void Sustained_speech_raises_one_onset_after_three_frames()
    {
        using var gate = new UplinkGate(_uplink, _time);
        var onsets = new List<int>();
        var frame = 0;
        gate.SpeechOnset += _ => onsets.Add(frame);

        for (frame = 1; frame <= 20; frame++)
        {
            gate.OnMixedFrame(Signals.Tone(200 + frame, -20, offset: frame * 320), 0);
        }

        Assert.Equal([3], onsets);
    }

    [Fact]
    public void Background_noise_and_isolated_clicks_never_raise_an_onset()
    {
        using var gate = new UplinkGate(_uplink, _time);
        var onsets = 0;
        gate.SpeechOnset += _ => onsets++;
        var random = new Random(7);

        for (var i = 0; i < 500; i++)
        {
            // Keyboard clicks: one loud frame in ten over steady fan noise at -50 dBFS.
            var frame = i % 10 == 0 ? Signals.Noise(-10, random) : Signals.Noise(-50, random);
            gate.OnMixedFrame(frame, 0);
        }
        for (var i = 0; i < 500; i++)
        {
            // A short burst of two loud frames (a cough) between quiet stretches.
            gate.OnMixedFrame(i % 20 < 2 ? Signals.Noise(-15, random) : Signals.Noise(-55, random), 0);
        }

        Assert.Equal(0, onsets);
    }

    private sealed class RecordingUplink : IUplinkSink
    {
        public List<string> Events { get; } = [];

        public int FramesSent { get; private set; }

        public int StreamEnds { get; private set; }

        public void SendAudio(ReadOnlySpan<short> pcm, long oldestArrival)
        {
            FramesSent++;
            if (Events.Count == 0 || Events[^1] != "audio")
            {
                Events.Add("audio");
            }
        }

        public void EndAudioStream()
        {
            StreamEnds++;
            Events.Add("end");
        }
    }
}
