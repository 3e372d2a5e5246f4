using Chorus.Discord.Dave.Session;
using Chorus.Emulators.Audio;
using Concentus;
using Concentus.Enums;

namespace Chorus.Emulators.Voice;

/// <summary>
/// A user inside the emulated voice server: speaks PCM as 20 ms Opus frames (48 kHz stereo like Discord clients,
/// or the source rate) and records, per sender, what it hears at <see cref="RecordSampleRate"/> mono.
/// </summary>
public sealed class ScriptedVoiceUser
{
    private static readonly byte[] Silence = [0xF8, 0xFF, 0xFE];
    private readonly EmulatedVoiceServer _server;
    private readonly EmulatedVoiceParticipant _participant;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, (IOpusDecoder Decoder, List<short> Pcm)> _heard = [];
    private TaskCompletionSource _heardSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ushort _sequence = 100;
    private uint _timestamp = 50_000;
    private int _packetsHeard;
    private int _framesNotReady;
    private int _decryptFailures;
    private readonly TimeProvider _time;

    internal ScriptedVoiceUser(EmulatedVoiceServer server, EmulatedVoiceParticipant participant, int recordSampleRate, DaveSession? dave, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _server = server;
        _participant = participant;
        RecordSampleRate = recordSampleRate;
        Dave = dave;
    }

    /// <summary>The user's end-to-end encryption in a DAVE call (null when the call has none).</summary>
    public DaveSession? Dave { get; }

    /// <summary>How long <see cref="SpeakAsync"/> waits for the MLS group before it gives up.</summary>
    public static readonly TimeSpan DaveReadyTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Frames that could not be sent because DAVE was not ready (none when speaking waits for it).</summary>
    public int FramesNotReady => Volatile.Read(ref _framesNotReady);

    /// <summary>Frames heard that DAVE could not decrypt (dropped).</summary>
    public int DecryptFailures => Volatile.Read(ref _decryptFailures);

    public ulong GuildId => _participant.GuildId;
    public ulong UserId => _participant.UserId;
    public uint Ssrc => _participant.Ssrc;
    public int RecordSampleRate { get; }
    public int PacketsHeard => Volatile.Read(ref _packetsHeard);

    /// <summary>
    /// Raised for each frame heard and decrypted, with its sender and RTP sequence, on the server's receive path (keep
    /// the handler short): a test times the arrivals to find gaps in a sender's audio.
    /// </summary>
    public event Action<ulong, ushort>? FrameHeard;
    public int FramesSent { get; private set; }

    /// <summary>
    /// Every packet relayed to this user, with its sender's id, as it arrives (before decryption and decoding):
    /// the load harness times bots at the wire with it, the same way whichever bot sent them.
    /// </summary>
    public event Action<ulong>? PacketHeard;

    /// <summary>
    /// Raised for each frame this user sent, after the server relayed it to everyone: its RTP sequence, when it was due
    /// (20 ms after the previous one), when the relay began and when it ended (timestamps of this user's clock). Lets the
    /// load harness tell a late sender or a slow fan-out from a stalled receiver.
    /// </summary>
    public event Action<ushort, long, long, long>? FrameRelayed;

    /// <summary>
    /// Speaks <paramref name="pcm"/> (mono at <paramref name="sampleRate"/>: 8, 12, 16, 24 or 48 kHz) in real time.
    /// The speaking event (op 5, which maps our SSRC for others) goes out before the first frame, or only after
    /// <paramref name="announceAfterFrames"/> frames to exercise receivers holding packets for unknown SSRCs.
    /// </summary>
    public Task SpeakAsync(ReadOnlyMemory<short> pcm, int sampleRate, int announceAfterFrames = 0, CancellationToken cancellationToken = default)
        => SpeakOpusAsync(EncodeOpus(pcm.Span, sampleRate), announceAfterFrames, cancellationToken);

    /// <summary>
    /// Encodes mono PCM as the 20 ms Opus frames a Discord client sends (48 kHz stereo at 96 kb/s, or the source rate).
    /// Many users saying the same words can share one encoding (the load harness does).
    /// </summary>
    public static IReadOnlyList<byte[]> EncodeOpus(ReadOnlySpan<short> pcm, int sampleRate)
    {
        var encoder = OpusCodecFactory.CreateEncoder(sampleRate, 2, OpusApplication.OPUS_APPLICATION_AUDIO);
        encoder.Bitrate = 96000;
        var frame = sampleRate / 50;
        var stereo = new short[frame * 2];
        var opus = new byte[4000];
        var count = (pcm.Length + frame - 1) / frame;
        var frames = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var chunk = pcm.Slice(i * frame, Math.Min(frame, pcm.Length - i * frame));
            Array.Clear(stereo);
            for (var s = 0; s < chunk.Length; s++)
            {
                stereo[2 * s] = chunk[s];
                stereo[2 * s + 1] = chunk[s];
            }
            var n = encoder.Encode(stereo, frame, opus, opus.Length);
            frames.Add(opus[..n]);
        }
        return frames;
    }

    /// <summary>
    /// Sends Opus frames in real time, then five silence frames. The speaking event (op 5, which maps our SSRC for
    /// others) goes out before the first frame, or only after <paramref name="announceAfterFrames"/> frames.
    /// In a DAVE call it first waits for the MLS group, then encrypts every frame end to end.
    /// </summary>
    public async Task SpeakOpusAsync(IReadOnlyList<byte[]> frames, int announceAfterFrames = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (Dave is not null)
        {
            await WaitForDaveReadyAsync(cancellationToken).ConfigureAwait(false);
        }

        var period = _time.TimestampFrequency / 50;
        var deadline = _time.GetTimestamp();
        long previousSentAt = 0;
        var longestGap = TimeSpan.Zero;
        for (var i = 0; i < frames.Count + 5; i++)
        {
            if (i == announceAfterFrames)
            {
                await _server.BroadcastSpeakingAsync(_participant, 1).ConfigureAwait(false);
            }

            var payload = i < frames.Count ? frames[i] : Silence;
            if (Dave is not null)
            {
                var sealedFrame = new byte[Dave.GetMaxEncryptedLength(payload.Length)];
                if (Dave.TryEncrypt(payload, sealedFrame, out var written))
                {
                    payload = sealedFrame[..written];
                }
                else
                {
                    Interlocked.Increment(ref _framesNotReady);
                }
            }
            var relayedFrom = _time.GetTimestamp();
            var sequence = _sequence++;
            _server.Relay(_participant, sequence, _timestamp, payload);
            var sentAt = _time.GetTimestamp();
            FrameRelayed?.Invoke(sequence, deadline, relayedFrom, sentAt);
            if (previousSentAt != 0 && _time.GetElapsedTime(previousSentAt, sentAt) > longestGap)
            {
                longestGap = _time.GetElapsedTime(previousSentAt, sentAt);
            }

            previousSentAt = sentAt;
            _timestamp += 960;
            FramesSent++;
            deadline += period;
            var wait = TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        LongestSendGap = longestGap;
        await _server.BroadcastSpeakingAsync(_participant, 0).ConfigureAwait(false);
    }

    /// <summary>
    /// The longest interval between two consecutive frames of the last utterance, as this user sent them: a late wake of
    /// the sending loop reaches the receiver as a pause in the middle of the words.
    /// </summary>
    public TimeSpan LongestSendGap { get; private set; }

    /// <summary>Speaks a 16-bit PCM WAV file.</summary>
    public Task SpeakWavAsync(string path, CancellationToken cancellationToken = default)
    {
        var (samples, rate) = WavFile.ReadMono(path);
        return SpeakAsync(samples, rate, 0, cancellationToken);
    }

    /// <summary>Everything heard from <paramref name="userId"/> so far, decoded to mono at <see cref="RecordSampleRate"/>.</summary>
    public short[] Heard(ulong userId)
    {
        lock (_gate)
        {
            return _heard.TryGetValue(userId, out var entry) ? [.. entry.Pcm] : [];
        }
    }

    /// <summary>Waits until at least <paramref name="samples"/> samples were heard from <paramref name="userId"/>.</summary>
    public async Task<short[]> WaitForHeardAsync(ulong userId, int samples, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_heard.TryGetValue(userId, out var entry) && entry.Pcm.Count >= samples)
                {
                    return [.. entry.Pcm];
                }

                signal = _heardSignal.Task;
            }
            await signal.WaitAsync(cts.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Until this user's DAVE session can send (its group formed and the transition executed).</summary>
    public async Task WaitForDaveReadyAsync(CancellationToken cancellationToken = default)
    {
        if (Dave is null || Dave.IsReadyToSend)
        {
            return;
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(bool isReady)
        {
            if (isReady)
            {
                ready.TrySetResult();
            }
        }
        Dave.ReadyToSendChanged += OnChange;
        try
        {
            if (Dave.IsReadyToSend)
            {
                return;
            }

            await ready.Task.WaitAsync(DaveReadyTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Scripted user {UserId}: the DAVE group did not form within {DaveReadyTimeout.TotalSeconds:F0} s.");
        }
        finally
        {
            Dave.ReadyToSendChanged -= OnChange;
        }
    }

    internal void OnHeard(ulong fromUserId, ushort sequence, byte[] opus)
    {
        Interlocked.Increment(ref _packetsHeard);
        PacketHeard?.Invoke(fromUserId);
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (!_heard.TryGetValue(fromUserId, out var entry))
            {
                entry = (OpusCodecFactory.CreateDecoder(RecordSampleRate, 1), []);
                _heard[fromUserId] = entry;
            }
            var pcm = new short[RecordSampleRate / 1000 * 120];
            if (Dave is not null)
            {
                var plain = new byte[opus.Length];
                if (!Dave.TryDecrypt(fromUserId, opus, plain, out var length))
                {
                    Interlocked.Increment(ref _decryptFailures);
                    return;
                }
                opus = plain[..length];
            }
            try
            {
                var n = entry.Decoder.Decode(opus, pcm, pcm.Length);
                if (n > 0)
                {
                    entry.Pcm.AddRange(pcm.AsSpan(0, n));
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException or Concentus.OpusException)
            {
            }
            signal = _heardSignal;
            _heardSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        FrameHeard?.Invoke(fromUserId, sequence);
        signal.TrySetResult();
    }
}
