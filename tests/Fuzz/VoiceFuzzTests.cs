using System.Buffers.Binary;
using Chorus.Diagnostics;
using Chorus.Discord.Dave;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Rtp;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Fuzz;

/// <summary>
/// The voice UDP path: RTP headers, RTCP on the same socket, the rtpsize transport AEADs (through the whole receiver,
/// so authentic packets reach the extension and padding checks, the jitter buffer and the Opus decoder), the Opus
/// TOC and frame layout, and DAVE media frames. None of these may throw: each refuses by its result or a counter.
/// </summary>
public sealed class VoiceFuzzTests
{
    private const uint PeerSsrc = 0x0A0B_0C0D;
    private const uint OwnSsrc = 77;
    private const ulong PeerUser = 4242;
    private static readonly byte[] Key = [.. Enumerable.Range(1, TransportCipher.KeyLength).Select(i => (byte)(i * 7))];

    /// <summary>Real Opus frames from our own encoder: a tone, noise and silence, at two bitrates.</summary>
    internal static IReadOnlyList<byte[]> OpusFrames { get; } = EncodeOpusFrames();

    [Fact]
    public void Rtp_headers()
    {
        new Fuzzer
        {
            Target = "rtp-header",
            Seeds = [.. RtpClearPackets()],
            Mutate = ByteMutator.Mutate,
            Parse = input =>
            {
                if (RtpHeader.TryParse(input, out var header) != RtpParseResult.Ok)
                {
                    return FuzzOutcome.Rejected;
                }

                return header.ClearLength <= input.Length ? FuzzOutcome.Accepted : throw new InvalidOperationException($"clear length {header.ClearLength} past the datagram");
            },
            AllocationBound = _ => 0,
        }.Run(shortRun: 50_000);
    }

    [Fact]
    public void Rtcp_on_the_voice_socket()
    {
        using var cipher = TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, Key);
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        var receiver = Receiver(cipher, metrics);
        new Fuzzer
        {
            Target = "rtcp",
            Seeds = RtcpPackets(),
            Mutate = ByteMutator.Mutate,
            Parse = input => Receive(receiver, totals, input, before => totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Rtcp) > before.Rtcp),
        }.Run(shortRun: 50_000);
    }

    [Theory]
    [InlineData(TransportEncryptionMode.Aes256GcmRtpSize)]
    [InlineData(TransportEncryptionMode.XChaCha20Poly1305RtpSize)]
    public void Transport_decryption_through_the_receiver(string mode)
    {
        using var cipher = TransportCipher.Create(mode, Key);
        using var sealer = TransportCipher.Create(mode, Key);
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        var receiver = Receiver(cipher, metrics);
        uint counter = 0;
        var seeds = RtpClearPackets().Select(clear => Seal(sealer, clear, ++counter)).ToArray();
        var report = new Fuzzer
        {
            Target = "transport-" + mode,
            Seeds = seeds,
            Mutate = (random, seed, all) =>
            {
                if (random.Next(2) == 0)
                {
                    return ByteMutator.Mutate(random, seed, all);
                }

                // Structure-aware: damage the clear packet (header, extension length, padding count, Opus) and seal it
                // properly, so the packet authenticates and the checks behind the AEAD see it.
                var clear = ByteMutator.Mutate(random, Open(sealer, seed), all);
                return Seal(sealer, clear, (uint)random.Next());
            },
            Parse = input => Receive(receiver, totals, input, before => totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Receive) == before.TotalDropped),
            // Packets for SSRCs not mapped yet are held (copied) until op 5 maps them.
            AllocationBound = length => 4096 + 2L * length,
        }.Run(shortRun: 20_000);
        Assert.True(report.Accepted > 0 && report.Rejected > 0, report.ToString());
        Assert.True(totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Malformed) > 0, "no mutated packet authenticated and reached the extension/padding checks");
        Assert.True(totals.Total(DiscordMetrics.FramesDeliveredName) > 0, "no frame delivered");
    }

    [Fact]
    public void Opus_toc_and_frames()
    {
        var decoder = new OpusFrameDecoder();
        var pcm = new short[OpusFormat.MaxReceiveSamplesPerPacket];
        var report = new Fuzzer
        {
            Target = "opus-toc",
            Seeds = [.. OpusFrames, .. MultiFramePackets()],
            Mutate = (random, seed, all) =>
            {
                var input = ByteMutator.Mutate(random, seed, all);
                if (input.Length > 0 && random.Next(2) == 0)
                {
                    // The TOC byte: configuration (5 bits), stereo, frame count code; and code 3's count byte.
                    input[0] = random.Next(3) switch
                    {
                        0 => (byte)((input[0] & 0x07) | (random.Next(32) << 3)),
                        1 => (byte)(input[0] ^ 0x04),
                        _ => (byte)((input[0] & 0xFC) | random.Next(4)),
                    };
                    if (input.Length > 1 && (input[0] & 3) == 3 && random.Next(2) == 0)
                    {
                        input[1] = (byte)random.Next(256);
                    }
                }

                return input;
            },
            Parse = input =>
            {
                var samples = decoder.Decode(input, pcm);
                if (samples > pcm.Length)
                {
                    throw new InvalidOperationException($"decoder claims {samples} samples");
                }

                return samples > 0 ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
            },
            AllocationBound = length => 256 * 1024 + 16L * length,
        }.Run(shortRun: 10_000);
        Assert.True(report.Accepted > 0 && report.Rejected > 0, report.ToString());
    }

    [Fact]
    public void Dave_media_frames()
    {
        var time = new FakeTimeProvider();
        var baseSecret = Convert.FromHexString("cedd61b1b8a1ca69046554282cf70b7b");
        using var encryptor = new DaveEncryptor();
        encryptor.SetRatchet(new DaveKeyRatchet(baseSecret));
        using var decryptor = new DaveDecryptor(time);
        decryptor.TransitionToRatchet(new DaveKeyRatchet(baseSecret));
        var seeds = new List<byte[]>();
        for (var i = 0; i < 300; i++)
        {
            var opus = OpusFrames[i % OpusFrames.Count];
            var frame = new byte[DaveEncryptor.MaxOutputSize(opus.Length)];
            var written = encryptor.Encrypt(opus, frame);
            // Nonces of one, two and three ULEB128 bytes.
            if (i is 0 or 1 or 150 or 299)
            {
                seeds.Add(frame[..written]);
            }
        }

        time.Advance(TimeSpan.FromMinutes(10));
        var output = new byte[ByteMutator.MaxLength];
        var outcomes = 0L;
        var report = new Fuzzer
        {
            Target = "dave-frame",
            Seeds = seeds,
            Mutate = (random, seed, all) =>
            {
                if (random.Next(4) == 0)
                {
                    // A fresh, authentic frame around damaged Opus: the decryptor must accept it and hand the bytes on.
                    var opus = ByteMutator.Mutate(random, OpusFrames[random.Next(OpusFrames.Count)], OpusFrames);
                    var frame = new byte[DaveEncryptor.MaxOutputSize(opus.Length)];
                    return frame[..encryptor.Encrypt(opus, frame)];
                }

                var input = ByteMutator.Mutate(random, seed, all);
                if (input.Length > 3 && random.Next(2) == 0)
                {
                    // The trailer: supplemental size byte, and the nonce's bytes (the top one picks the key generation).
                    var at = random.Next(2) == 0 ? input.Length - 3 : Math.Max(0, input.Length - 3 - 1 - random.Next(5));
                    input[at] = (byte)random.Next(256);
                }

                return input;
            },
            Parse = input =>
            {
                var result = decryptor.Decrypt(input, output, out var written);
                outcomes++;
                if (written > input.Length)
                {
                    throw new InvalidOperationException($"wrote {written} bytes from {input.Length}");
                }

                return result is DaveDecryptResult.Decrypted or DaveDecryptResult.Silence ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
            },
            // A frame from a later key generation ratchets forward (bounded by MaxGenerationGap and the ratchet's age).
            AllocationBound = length => 256 * 1024 + 16L * length,
        }.Run(shortRun: 30_000);
        var counted = decryptor.Decrypted + decryptor.Silence + decryptor.PassedThrough + decryptor.InvalidFrames + decryptor.NoKey
            + decryptor.Replayed + decryptor.AuthenticationFailures;
        Assert.Equal(outcomes, counted);
        Assert.True(report.Accepted > 0 && decryptor.Replayed > 0 && decryptor.AuthenticationFailures > 0 && decryptor.InvalidFrames > 0, report.ToString());
    }

    private static VoiceReceiver Receiver(TransportCipher cipher, DiscordMetrics metrics)
    {
        var receiver = new VoiceReceiver(time: new FakeTimeProvider(), frameHandler: _ => { }, metrics: metrics);
        receiver.SetTransport(cipher, OwnSsrc);
        receiver.MapSsrc(PeerSsrc, PeerUser);
        return receiver;
    }

    /// <summary>Every datagram is counted once, and ends either delivered or in exactly one drop counter.</summary>
    private static FuzzOutcome Receive(
        VoiceReceiver receiver, MeterTotals counters, byte[] datagram, Func<(long Datagrams, long Rtcp, long TotalDropped), bool> accepted)
    {
        (long Datagrams, long Rtcp, long TotalDropped) before = (
            counters.Total(DiscordMetrics.PacketsReceivedName), counters.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Rtcp),
            counters.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Receive));
        receiver.ProcessDatagram(datagram);
        if (counters.Total(DiscordMetrics.PacketsReceivedName) != before.Datagrams + 1)
        {
            throw new InvalidOperationException("datagram not counted");
        }

        return accepted(before) ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }

    private static IEnumerable<byte[]> RtpClearPackets()
    {
        ushort sequence = 100;
        foreach (var opus in OpusFrames)
        {
            var header = new byte[RtpHeader.FixedLength];
            RtpHeader.WriteBasic(header, sequence++, sequence * 960u, PeerSsrc);
            yield return [.. header, .. opus];
        }

        // Discord's shape: a one-byte-header extension (0xBEDE) whose body is encrypted with the payload; CSRCs; padding.
        var opusFrame = OpusFrames[0];
        var withExtension = new byte[RtpHeader.FixedLength];
        RtpHeader.WriteBasic(withExtension, sequence++, sequence * 960u, PeerSsrc);
        withExtension[0] |= 0x10;
        yield return [.. withExtension, 0xBE, 0xDE, 0x00, 0x02, 0x10, 0xAA, 0x21, 0x01, 0x02, 0x00, 0x00, 0x00, .. opusFrame];

        var withCsrcs = new byte[RtpHeader.FixedLength];
        RtpHeader.WriteBasic(withCsrcs, sequence++, sequence * 960u, PeerSsrc);
        withCsrcs[0] |= 0x02;
        yield return [.. withCsrcs, 0, 0, 0, 1, 0, 0, 0, 2, .. opusFrame];

        var withPadding = new byte[RtpHeader.FixedLength];
        RtpHeader.WriteBasic(withPadding, sequence++, sequence * 960u, PeerSsrc);
        withPadding[0] |= 0x20;
        yield return [.. withPadding, .. opusFrame, 0, 0, 3];
    }

    /// <summary>
    /// RTCP as a voice server sends it: sender report, receiver report, SDES, BYE, APP, and a compound SR+SDES. Each
    /// is classified by its packet type and never decrypted.
    /// </summary>
    private static byte[][] RtcpPackets()
    {
        byte[] senderReport = [0x80, 200, 0x00, 0x06, .. Be32(PeerSsrc), .. new byte[8], .. Be32(960), .. Be32(10), .. Be32(1000)];
        byte[] receiverReport = [0x81, 201, 0x00, 0x07, .. Be32(OwnSsrc), .. Be32(PeerSsrc), 0, 0, 0, 1, .. Be32(200), .. Be32(3), .. new byte[8]];
        byte[] sdes = [0x81, 202, 0x00, 0x03, .. Be32(PeerSsrc), 0x01, 0x03, (byte)'b', (byte)'o', (byte)'t', 0x00];
        byte[] bye = [0x82, 203, 0x00, 0x02, .. Be32(PeerSsrc), .. Be32(OwnSsrc)];
        byte[] app = [0x80, 204, 0x00, 0x03, .. Be32(PeerSsrc), (byte)'D', (byte)'I', (byte)'S', (byte)'C', 1, 2, 3, 4];
        return [senderReport, receiverReport, sdes, bye, app, [.. senderReport, .. sdes]];
    }

    private static byte[] Be32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Seals a clear packet as rtpsize does: its parsed clear header as AAD; unparsable packets go out as they are.</summary>
    private static byte[] Seal(TransportCipher cipher, byte[] clear, uint nonceCounter)
    {
        if (RtpHeader.TryParse(clear, out var header) != RtpParseResult.Ok)
        {
            return clear;
        }

        var destination = new byte[clear.Length + RtpSizeTransport.Overhead];
        var length = RtpSizeTransport.Seal(cipher, clear.AsSpan(0, header.ClearLength), clear.AsSpan(header.ClearLength), nonceCounter, destination);
        return destination[..length];
    }

    /// <summary>The clear packet inside a sealed seed (header, then the decrypted extension body, payload and padding).</summary>
    private static byte[] Open(TransportCipher cipher, byte[] datagram)
    {
        Assert.Equal(RtpParseResult.Ok, RtpHeader.TryParse(datagram, out var header));
        var sealedLength = datagram.Length - header.ClearLength - TransportCipher.NonceSuffixLength;
        var nonce = new byte[cipher.NonceLength];
        datagram.AsSpan(datagram.Length - TransportCipher.NonceSuffixLength).CopyTo(nonce);
        var plaintext = new byte[sealedLength - TransportCipher.TagLength];
        Assert.True(cipher.TryDecrypt(nonce, datagram.AsSpan(0, header.ClearLength), datagram.AsSpan(header.ClearLength, sealedLength), plaintext));
        return [.. datagram.AsSpan(0, header.ClearLength), .. plaintext];
    }

    private static List<byte[]> EncodeOpusFrames()
    {
        var frames = new List<byte[]>();
        var random = new Random(5);
        foreach (var bitrate in new[] { 16_000, 64_000 })
        {
            var encoder = new OpusFrameEncoder(bitrate);
            var pcm = new short[OpusFormat.SendFrameSamples];
            var output = new byte[OpusFormat.MaxOpusPacketLength];
            for (var frame = 0; frame < 6; frame++)
            {
                for (var i = 0; i < pcm.Length; i++)
                {
                    var t = (frame * pcm.Length) + i;
                    pcm[i] = frame switch
                    {
                        < 2 => (short)(8000 * Math.Sin(2 * Math.PI * 440 * t / OpusFormat.SendSampleRate)),
                        < 4 => (short)random.Next(-6000, 6000),
                        _ => 0,
                    };
                }

                var written = encoder.Encode(pcm, output);
                frames.Add(output[..written]);
            }
        }

        frames.Add([.. OpusSilence.Frame]);
        return frames;
    }

    /// <summary>Packets of several frames (TOC codes 1, 2 and 3) built from our encoder's single frames.</summary>
    private static IEnumerable<byte[]> MultiFramePackets()
    {
        var first = OpusFrames[0];
        var second = OpusFrames[1];
        var toc = (byte)(first[0] & 0xFC);
        var firstBody = first[1..];
        var secondBody = second[1..];
        yield return [(byte)(toc | 1), .. firstBody, .. firstBody];
        yield return [(byte)(toc | 2), (byte)firstBody.Length, .. firstBody, .. secondBody];
        // Code 3, VBR, two frames: count byte 0x82, then the first frame's length.
        yield return [(byte)(toc | 3), 0x82, (byte)firstBody.Length, .. firstBody, .. secondBody];
    }
}
