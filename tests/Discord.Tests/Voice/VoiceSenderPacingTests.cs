using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Rtp;
using Chorus.Discord.Voice.Send;
using Chorus.Discord.Voice.Udp;

namespace Chorus.Discord.Tests.Voice;

/// <summary>The voice sender on a pacing schedule driven with made-up instants: when talk spurts start and how they are framed.</summary>
public sealed class VoiceSenderPacingTests
{
    private const long Period = 20_000;
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)(i * 5)).ToArray();

    private sealed class CapturingSink : IVoiceDatagramSink
    {
        public List<byte[]> Datagrams { get; } = [];

        public bool Send(ReadOnlySpan<byte> datagram)
        {
            Datagrams.Add(datagram.ToArray());
            return true;
        }
    }

    private sealed class Rig
    {
        public Rig(bool transport = true)
        {
            Cipher = TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, Key);
            Totals = new MeterTotals(Metrics.Meter);
            Sender = new VoiceSender(metrics: Metrics);
            Sender.FrameSent += Sent.Add;
            Sender.SpeakingChanged += Speaking.Add;
            if (transport)
            {
                Sender.SetTransport(Cipher, 777, Sink);
            }

            Schedule = new PacingSchedule(Period, 500, () => Signals++);
            Slot = Schedule.Add(Sender);
            Assert.Equal(1, Schedule.RunDue(0)); // registration: nothing queued yet
            Assert.False(Slot.IsActive);
        }

        public TransportCipher Cipher { get; }
        public VoiceSender Sender { get; }
        public DiscordMetrics Metrics { get; } = new();
        public MeterTotals Totals { get; }
        public PacingSchedule Schedule { get; }
        public PacingSlot Slot { get; }
        public CapturingSink Sink { get; } = new();
        public List<VoiceFrameSent> Sent { get; } = [];
        public List<bool> Speaking { get; } = [];
        public int Signals { get; private set; }

        /// <summary>The instant of the latest pass.</summary>
        public long Now { get; private set; }

        public int Pass(long now)
        {
            Now = now;
            return Schedule.RunDue(now);
        }

        /// <summary>Runs passes the way the clock does, each at the next deadline, until the sender idles; returns the passes.</summary>
        public int RunUntilIdle(int maxPasses = 500)
        {
            var passes = 0;
            while (passes < maxPasses)
            {
                if (Schedule.CollectDue(Now) == 0)
                {
                    if (Schedule.NextDeadline == long.MaxValue)
                    {
                        break;
                    }

                    Now = Schedule.NextDeadline;
                }
                Schedule.RunDue(Now);
                passes++;
            }
            return passes;
        }

        /// <summary>Runs the pass at the next deadline.</summary>
        public int Next()
        {
            Assert.Equal(0, Schedule.CollectDue(Now));
            return Pass(Schedule.NextDeadline);
        }

        public RtpHeader Header(int index)
        {
            Assert.Equal(RtpParseResult.Ok, RtpHeader.TryParse(Sink.Datagrams[index], out var header));
            return header;
        }
    }

    private static short[] Speech(int frames) => AudioSignals.Chirp(OpusFormat.SendSampleRate, frames * 0.02);

    [Fact]
    public void Audio_pushed_into_an_idle_sender_wakes_it_and_the_spurt_starts_at_that_instant()
    {
        var rig = new Rig();
        // The first spurt of a session only announces the SSRC; use it up so this test sees a later spurt.
        rig.Sender.Push(Speech(1));
        rig.Pass(10_000);
        rig.RunUntilIdle();
        rig.Sent.Clear();
        var signals = rig.Signals;

        rig.Sender.Push(Speech(3));
        Assert.Equal(signals + 1, rig.Signals);
        rig.Sender.Push(Speech(1)); // already woken: no second signal
        Assert.Equal(signals + 1, rig.Signals);

        const long arrival = 987_654;
        Assert.Equal(1, rig.Pass(arrival));
        Assert.Equal(arrival, Assert.Single(rig.Sent).ScheduledAt);
        Assert.False(rig.Sent[0].IsSilence);
        rig.RunUntilIdle();

        Assert.Equal(4 + VoiceSender.SilenceFramesAfterSpurt, rig.Sent.Count);
        Assert.Equal(Enumerable.Range(0, rig.Sent.Count).Select(n => arrival + n * Period), rig.Sent.Select(s => s.ScheduledAt));
        Assert.Equal(4, rig.Sent.Count(s => !s.IsSilence));
        Assert.All(rig.Sent.Skip(4), s => Assert.True(s.IsSilence));
        Assert.False(rig.Sender.IsSpeaking);
        Assert.Equal([true, false, true, false], rig.Speaking);
    }

    [Fact]
    public void Rtp_sequence_and_timestamp_run_on_by_one_frame_across_spurts_whatever_their_phase()
    {
        var rig = new Rig();
        rig.Sender.Push(Speech(2));
        rig.Pass(3_000); // announces the SSRC; the first frame leaves one period later
        rig.RunUntilIdle();
        var firstSpurt = rig.Sink.Datagrams.Count;
        Assert.Equal(2 + VoiceSender.SilenceFramesAfterSpurt, firstSpurt);

        rig.Sender.Push(Speech(2));
        rig.Pass(1_234_567); // not a whole number of periods after the first spurt
        rig.RunUntilIdle();
        Assert.Equal(2 * firstSpurt, rig.Sink.Datagrams.Count);

        var first = rig.Header(0);
        for (var i = 1; i < rig.Sink.Datagrams.Count; i++)
        {
            var header = rig.Header(i);
            Assert.Equal((ushort)(first.Sequence + i), header.Sequence);
            Assert.Equal(first.Timestamp + (uint)(OpusFormat.RtpTimestampStep * i), header.Timestamp);
            Assert.Equal(777u, header.Ssrc);
        }
        Assert.Equal(2, rig.Totals.Total(DiscordMetrics.TalkSpurtsName));
        Assert.Equal(4, rig.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Audio));
        Assert.Equal(2 * VoiceSender.SilenceFramesAfterSpurt, rig.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Silence));
    }

    [Fact]
    public void Clear_mid_spurt_ends_it_with_silence_on_the_same_phase_and_the_sender_idles()
    {
        var rig = new Rig();
        rig.Sender.Push(Speech(100));
        rig.Pass(50_000);
        rig.Next();
        rig.Next();
        Assert.Equal(2, rig.Sent.Count);
        rig.Sender.Clear();
        rig.RunUntilIdle();

        Assert.Equal(2 + VoiceSender.SilenceFramesAfterSpurt, rig.Sent.Count);
        Assert.All(rig.Sent.Skip(2), s => Assert.True(s.IsSilence));
        Assert.Equal(Enumerable.Range(1, rig.Sent.Count).Select(n => 50_000 + n * Period), rig.Sent.Select(s => s.ScheduledAt));
        Assert.Equal(1, rig.Sender.Clears);
        Assert.Equal([true, false], rig.Speaking);
        Assert.False(rig.Slot.IsActive);
    }

    [Fact]
    public void Without_a_transport_audio_drains_in_time_then_the_sender_idles()
    {
        var rig = new Rig(transport: false);
        rig.Sender.Push(new short[OpusFormat.SendFrameSamples * 3]);
        rig.Pass(1_000);
        Assert.Equal(3, 1 + rig.RunUntilIdle());
        Assert.Equal(0, rig.Sender.Playout.Count);
        Assert.Equal(3, rig.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.NotReady));
        Assert.Empty(rig.Sent);

        // The transport comes back: the next spurt announces the SSRC, then sends.
        rig.Sender.SetTransport(rig.Cipher, 778, rig.Sink);
        rig.Sender.Push(Speech(1));
        rig.Pass(500_000);
        rig.RunUntilIdle();
        Assert.Equal(1 + VoiceSender.SilenceFramesAfterSpurt, rig.Sent.Count);
        Assert.Equal(500_000 + Period, rig.Sent[0].ScheduledAt);
    }

    [Fact]
    public void A_sender_registered_with_audio_already_queued_is_due_at_once()
    {
        var sender = new VoiceSender();
        sender.Push(new short[OpusFormat.SendFrameSamples]);
        var schedule = new PacingSchedule(Period, 500);
        var slot = schedule.Add(sender);
        Assert.Equal(1, schedule.RunDue(42));
        Assert.Equal(0, sender.Playout.Count);
        Assert.False(slot.IsActive);

        schedule.Remove(sender);
        sender.Push(new short[OpusFormat.SendFrameSamples]);
        Assert.Equal(0, schedule.RunDue(100_000));
        Assert.Equal(OpusFormat.SendFrameSamples, sender.Playout.Count);
    }
}
