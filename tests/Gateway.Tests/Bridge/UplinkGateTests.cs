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
    public void When_frames_stop_after_the_clients_silence_frames_the_stream_ends_after_the_idle_timeout()
    {
        using var gate = new UplinkGate(_uplink, _time) { IdleTimeout = TimeSpan.FromMilliseconds(120) };
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        gate.OnMixedFrame(Silence, 0);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, _uplink.StreamEnds);
        _time.Advance(TimeSpan.FromMilliseconds(30));

        Assert.Equal(1, _uplink.StreamEnds);
        Assert.Equal(0, gate.StallsEnded);
    }

    [Fact]
    public void The_idle_timeout_counts_from_the_latest_frame_not_the_first()
    {
        using var gate = new UplinkGate(_uplink, _time) { IdleTimeout = TimeSpan.FromMilliseconds(120) };
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);
        gate.OnMixedFrame(Silence, 0);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        gate.OnMixedFrame(Silence, 0);

        // Past the first frames' timeout (120 ms) but not the latest one's (220 ms).
        _time.Advance(TimeSpan.FromMilliseconds(115));
        Assert.Equal(0, _uplink.StreamEnds);

        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(1, _uplink.StreamEnds);
        Assert.Equal(3, _uplink.FramesSent);
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

        gate.OnMixedFrame(Silence, 0);
        Assert.Equal(0, _uplink.StreamEnds);
        _time.Advance(TimeSpan.FromMilliseconds(110));
        Assert.Equal(0, _uplink.StreamEnds);

        _time.Advance(TimeSpan.FromMilliseconds(15));
        Assert.Equal(1, _uplink.StreamEnds);
        Assert.Equal(51, _uplink.FramesSent);
    }

    [Fact]
    public void Frames_held_up_in_mid_speech_come_in_a_burst_and_the_words_stay_one_stream()
    {
        // The cluster rig's lost turns (README, issue 15): on a loaded host the user's frames stopped for a few hundred
        // milliseconds in mid-sentence; ending the stream then made the model take the sentence as two turns.
        using var gate = new UplinkGate(_uplink, _time) { IdleTimeout = TimeSpan.FromMilliseconds(120) };
        var stalls = new List<(bool Resumed, TimeSpan Held)>();
        gate.Stalled += (resumed, held) => stalls.Add((resumed, held));
        for (var i = 0; i < 20; i++)
        {
            gate.OnMixedFrame(Signals.Tone(300, -20), 0);
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }

        _time.Advance(TimeSpan.FromMilliseconds(400));
        for (var i = 0; i < 30; i++)
        {
            gate.OnMixedFrame(Signals.Tone(300, -20), 0);
        }

        for (var i = 0; i < 5; i++)
        {
            gate.OnMixedFrame(Silence, 0);
        }

        _time.Advance(TimeSpan.FromMilliseconds(130));
        Assert.Equal(["audio", "end"], _uplink.Events);
        Assert.Equal(55, _uplink.FramesSent);
        Assert.Equal(1, gate.StallsBridged);
        Assert.Equal(0, gate.StallsEnded);
        Assert.Equal([(true, TimeSpan.FromMilliseconds(420))], stalls);
    }

    [Fact]
    public void Frames_that_stop_in_mid_speech_end_the_stream_after_the_stall_timeout()
    {
        using var gate = new UplinkGate(_uplink, _time) { IdleTimeout = TimeSpan.FromMilliseconds(120), StallTimeout = TimeSpan.FromSeconds(1) };
        var stalls = new List<(bool Resumed, TimeSpan Held)>();
        gate.Stalled += (resumed, held) => stalls.Add((resumed, held));
        gate.OnMixedFrame(Signals.Tone(300, -20), 0);

        _time.Advance(TimeSpan.FromMilliseconds(990));
        Assert.Equal(0, _uplink.StreamEnds);
        _time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal(1, _uplink.StreamEnds);
        Assert.Equal(1, gate.StallsEnded);
        Assert.Equal([(false, TimeSpan.FromMilliseconds(1000))], stalls);
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

    /// <summary>What a Discord client's silence frame (F8 FF FE) decodes to: the five of them close each talk spurt.</summary>
    private static short[] Silence => new short[320];

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
