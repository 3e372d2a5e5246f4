using System.Security.Cryptography;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Rtp;
using Chorus.Discord.Voice.Udp;

namespace Chorus.Discord.Voice.Send;

/// <summary>
/// The send path, driven by the pacing clock: 480 samples of 24 kHz PCM → Opus → frame encryption (DAVE seam) →
/// RTP (sequence +1, timestamp +960 per frame) → transport encryption → UDP. Speaking goes on before the first
/// frame of a talk spurt; each spurt ends with five Opus silence frames, then speaking goes off. Audio pushed into an
/// idle sender wakes its pacing slot, so a spurt's first frame leaves at once and the rest follow on that phase.
/// </summary>
public sealed class VoiceSender : IPacedSender
{
    /// <summary>Opus silence frames sent after each speech spurt, as Discord asks, so receivers' decoders do not interpolate.</summary>
    public const int SilenceFramesAfterSpurt = 5;

    private readonly Lock _gate = new();
    private readonly OpusFrameEncoder _encoder;
    private readonly short[] _pcm = new short[OpusFormat.SendFrameSamples];
    private readonly byte[] _opus = new byte[OpusFormat.MaxOpusPacketLength];
    private readonly byte[] _frame = new byte[OpusFormat.MaxOpusPacketLength + 512];
    private readonly byte[] _datagram = new byte[OpusFormat.MaxOpusPacketLength + 1024];
    private readonly byte[] _header = new byte[RtpHeader.FixedLength];
    private TransportCipher? _cipher;
    private IVoiceDatagramSink? _sink;
    private uint _ssrc;
    private ushort _sequence;
    private uint _timestamp;
    private uint _nonce;
    private int _silenceRemaining;
    private bool _speaking;
    private bool _announceAgain;
    private bool _ssrcAnnounced;
    private IVoiceFrameCryptor _frameCryptor = PassthroughFrameCryptor.Instance;
    private PacingSlot? _slot;
    private readonly TimeProvider _time;
    private readonly DiscordMetrics _metrics;
    private long _clears;

    /// <summary>A sender not attached to a transport yet.</summary>
    /// <param name="playout">The buffer audio waits in before it is sent (default: 60 s).</param>
    /// <param name="bitrate">The Opus bitrate in bits per second.</param>
    /// <param name="time">The clock that stamps <see cref="VoiceFrameSent.SentAt"/>; the pacing clock's, so a frame's
    /// lateness is the difference of two timestamps from one clock.</param>
    /// <param name="metrics">Where sent and dropped packets are counted for export; <see cref="DiscordMetrics.Default"/> when null.</param>
    public VoiceSender(PlayoutBuffer? playout = null, int bitrate = 64000, TimeProvider? time = null, DiscordMetrics? metrics = null)
    {
        _metrics = metrics ?? DiscordMetrics.Default;
        _time = time ?? TimeProvider.System;
        Playout = playout ?? new PlayoutBuffer(TimeSpan.FromSeconds(60));
        _encoder = new OpusFrameEncoder(bitrate);
        _sequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        _timestamp = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        _nonce = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    }

    /// <summary>The audio waiting to be sent; push 24 kHz PCM16 into it.</summary>
    public PlayoutBuffer Playout { get; }

    /// <summary>
    /// How many times <see cref="Clear"/> was called: the epoch a frame's <see cref="VoiceFrameSent.ClearsBefore"/> is
    /// compared with to tell whether it belonged to audio a barge-in threw away.
    /// </summary>
    public long Clears => Volatile.Read(ref _clears);

    /// <summary>
    /// Every frame that left the socket, raised on the clock thread every 20 ms: handlers must be short and must not
    /// allocate. Subscribe before audio flows and unsubscribe when done; the frame is a struct, so raising it allocates
    /// nothing.
    /// </summary>
    public event Action<VoiceFrameSent>? FrameSent;

    /// <summary>
    /// Raised on the clock thread when the speaking flag changes. The voice connection sends op 5 from it; others (a
    /// half-duplex gate) subscribe alongside.
    /// </summary>
    public event Action<bool>? SpeakingChanged;

    /// <summary>Encrypts each frame between Opus and RTP (DAVE); passthrough when set to null.</summary>
    public IVoiceFrameCryptor FrameCryptor
    {
        get => _frameCryptor;
        set => _frameCryptor = value ?? PassthroughFrameCryptor.Instance;
    }

    /// <summary>True while a speech spurt (or its trailing silence) is being sent.</summary>
    public bool IsSpeaking => Volatile.Read(ref _speaking);

    /// <summary>Queues 24 kHz mono PCM16 and wakes the sender if it was idle; returns the samples accepted.</summary>
    public int Push(ReadOnlySpan<short> pcm24k)
    {
        var accepted = Playout.Push(pcm24k);
        if (accepted > 0)
        {
            Volatile.Read(ref _slot)?.Wake();
        }

        return accepted;
    }

    void IPacedSender.AttachTo(PacingSlot? slot)
    {
        // Full fence before looking at the buffer: a push racing this either sees the slot or is seen here.
        Interlocked.Exchange(ref _slot, slot);
        if (slot is not null && Playout.Count > 0)
        {
            slot.Wake();
        }
    }

    /// <summary>Barge-in: drops the queued audio at once; the current talk spurt ends with its silence frames.</summary>
    /// <returns>The number of clears so far, this one included (see <see cref="VoiceFrameSent.ClearsBefore"/>).</returns>
    public long Clear()
    {
        Playout.Clear();
        return Interlocked.Increment(ref _clears);
    }

    /// <summary>
    /// After the voice gateway resumed (op 9): the server keeps no speaking state across a resume, so a spurt under
    /// way announces itself again with op 5 before its next frame.
    /// </summary>
    internal void AnnounceSpeakingAgain()
    {
        lock (_gate)
        {
            _announceAgain = true;
        }
    }

    /// <summary>Installs (or, with null, removes) the session transport; sequence and timestamp carry on.</summary>
    internal void SetTransport(TransportCipher? cipher, uint ssrc, IVoiceDatagramSink? sink)
    {
        lock (_gate)
        {
            if (ssrc != _ssrc || cipher is null)
            {
                // A new session knows nothing of our SSRC or speaking state: the next spurt announces itself again.
                _ssrcAnnounced = false;
                _speaking = false;
                _silenceRemaining = 0;
            }
            _cipher = cipher;
            _ssrc = ssrc;
            _sink = sink;
        }
    }

    /// <summary>Sends the frame due at <paramref name="scheduledAt"/>, if any.</summary>
    /// <returns>Whether there is more to send (queued audio or the rest of the closing silence).</returns>
    public bool OnTick(long scheduledAt)
    {
        lock (_gate)
        {
            SendDue(scheduledAt);
            return _silenceRemaining > 0 || Playout.Count > 0;
        }
    }

    private void SendDue(long scheduledAt)
    {
        var haveAudio = Playout.Count > 0;
        if (!haveAudio && _silenceRemaining == 0)
        {
            return;
        }

        if (_cipher is null || _sink is null)
        {
            // No transport (resuming or rejoining): audio keeps flowing out of the buffer so playback stays in time.
            if (haveAudio)
            {
                Playout.Take(_pcm);
            }

            _metrics.PacketsDropped.Add(1, MetricTag.NotReady, MetricTag.Transmit);
            return;
        }
        if (haveAudio)
        {
            if (_speaking && _announceAgain)
            {
                // Mid-spurt after a resume: the server forgot we speak, so op 5 goes out again (the encoder keeps its
                // state: the frames never stopped).
                SpeakingChanged?.Invoke(true);
            }
            _announceAgain = false;
            if (!_speaking)
            {
                _speaking = true;
                // The receiver's decoder went through the silence frames that ended the last spurt while our
                // encoder sat idle; a fresh encoder keeps the two in step (else the new spurt glitches).
                _encoder.Reset();
                _metrics.TalkSpurts.Add(1);
                SpeakingChanged?.Invoke(true);
                if (!_ssrcAnnounced)
                {
                    // Discord drops a connection whose RTP arrives before its first op 5 ("invalid SSRC"); op 5 goes
                    // over the WebSocket asynchronously, so the first spurt of a session starts one period later.
                    _ssrcAnnounced = true;
                    return;
                }
            }
            var clearsBefore = Clears;
            Playout.Take(_pcm);
            int length;
            try
            {
                length = _encoder.Encode(_pcm, _opus);
            }
#pragma warning disable CA1031 // An encoder failure costs one frame.
            catch (Exception)
#pragma warning restore CA1031
            {
                length = -1;
            }
            if (length <= 0)
            {
                _metrics.PacketsDropped.Add(1, MetricTag.EncodeFailed, MetricTag.Transmit);
                return;
            }
            _silenceRemaining = SilenceFramesAfterSpurt;
            if (Clears != clearsBefore)
            {
                // Barge-in cleared playout while this frame was being encoded: it belongs to the interrupted
                // reply, so the spurt ends with silence instead.
                SendFrame(OpusSilence.Frame, scheduledAt, isSilence: true, clearsBefore);
                _silenceRemaining--;
                return;
            }
            SendFrame(_opus.AsSpan(0, length), scheduledAt, isSilence: false, clearsBefore);
        }
        else
        {
            SendFrame(OpusSilence.Frame, scheduledAt, isSilence: true, Clears);
            if (--_silenceRemaining == 0)
            {
                _speaking = false;
                SpeakingChanged?.Invoke(false);
            }
        }
    }

    private void SendFrame(ReadOnlySpan<byte> opus, long scheduledAt, bool isSilence, long clearsBefore)
    {
        if (!_frameCryptor.TryEncrypt(opus, _frame, out var frameLength))
        {
            _metrics.PacketsDropped.Add(1, MetricTag.FrameEncryptFailed, MetricTag.Transmit);
            Advance();
            return;
        }
        RtpHeader.WriteBasic(_header, _sequence, _timestamp, _ssrc);
        var datagramLength = RtpSizeTransport.Seal(_cipher!, _header, _frame.AsSpan(0, frameLength), _nonce++, _datagram);
        var sent = _sink!.Send(_datagram.AsSpan(0, datagramLength));
        var sentAt = _time.GetTimestamp();
        if (!sent)
        {
            _metrics.PacketsDropped.Add(1, MetricTag.SendFailed, MetricTag.Transmit);
        }
        else if (isSilence)
        {
            _metrics.PacketsSent.Add(1, MetricTag.Silence);
        }
        else
        {
            _metrics.PacketsSent.Add(1, MetricTag.Audio);
        }

        FrameSent?.Invoke(new VoiceFrameSent(_sequence, _timestamp, scheduledAt, sentAt, isSilence, clearsBefore));
        Advance();
    }

    private void Advance()
    {
        _sequence++;
        _timestamp += OpusFormat.RtpTimestampStep;
    }
}
