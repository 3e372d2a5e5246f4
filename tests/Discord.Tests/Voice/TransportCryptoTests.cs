using System.Buffers.Binary;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Rtp;
using CsCheck;

namespace Chorus.Discord.Tests.Voice;

public sealed class TransportCryptoTests
{
    public static TheoryData<string> Modes => new() { TransportEncryptionMode.Aes256GcmRtpSize, TransportEncryptionMode.XChaCha20Poly1305RtpSize };

    private static byte[] Key(byte seed) => Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + seed)).ToArray();

    private static byte[] Seal(TransportCipher cipher, ReadOnlySpan<byte> payload, uint counter, ushort seq = 1, uint ts = 960, uint ssrc = 42)
    {
        Span<byte> header = stackalloc byte[12];
        RtpHeader.WriteBasic(header, seq, ts, ssrc);
        var buffer = new byte[12 + payload.Length + RtpSizeTransport.Overhead];
        var n = RtpSizeTransport.Seal(cipher, header, payload, counter, buffer);
        Assert.Equal(buffer.Length, n);
        return buffer;
    }

    private static (RtpOpenResult Result, byte[] Payload) Open(TransportCipher cipher, byte[] datagram)
    {
        Assert.Equal(RtpParseResult.Ok, RtpHeader.TryParse(datagram, out var header));
        var scratch = new byte[2048];
        var result = RtpSizeTransport.Open(cipher, header, datagram, scratch, out var offset, out var length);
        return (result, scratch.AsSpan(offset, length).ToArray());
    }

    [Theory, MemberData(nameof(Modes))]
    public void Round_trip_returns_the_payload_and_keeps_header_and_counter_in_the_clear(string mode)
    {
        using var cipher = TransportCipher.Create(mode, Key(1));
        byte[] payload = [0xF8, 0xFF, 0xFE, 1, 2, 3];
        var datagram = Seal(cipher, payload, counter: 0x01020304, seq: 513, ts: 123456, ssrc: 987);

        Assert.Equal([0x80, 0x78, 0x02, 0x01], datagram[..4]);
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(datagram.Length - 4)));
        Assert.False(datagram.AsSpan(12, payload.Length).SequenceEqual(payload));
        var (result, opened) = Open(cipher, datagram);
        Assert.Equal(RtpOpenResult.Ok, result);
        Assert.Equal(payload, opened);
    }

    [Theory, MemberData(nameof(Modes))]
    public void Every_tampered_byte_fails_authentication(string mode)
    {
        using var cipher = TransportCipher.Create(mode, Key(2));
        var datagram = Seal(cipher, [10, 20, 30, 40, 50], counter: 7);
        for (var i = 0; i < datagram.Length; i++)
        {
            var copy = (byte[])datagram.Clone();
            copy[i] ^= 0x01;
            if (RtpHeader.TryParse(copy, out var header) != RtpParseResult.Ok)
            {
                continue; // flipping version/payload-type bits is caught before decryption
            }

            var result = RtpSizeTransport.Open(cipher, header, copy, new byte[2048], out _, out _);
            Assert.Equal(RtpOpenResult.AuthenticationFailed, result);
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void A_different_key_fails_authentication(string mode)
    {
        using var sender = TransportCipher.Create(mode, Key(3));
        using var receiver = TransportCipher.Create(mode, Key(4));
        Assert.Equal(RtpOpenResult.AuthenticationFailed, Open(receiver, Seal(sender, [1, 2, 3], 0)).Result);
    }

    [Theory, MemberData(nameof(Modes))]
    public void Nonce_is_the_counter_big_endian_at_offset_zero_padded_with_zeros(string mode)
    {
        // Encrypt directly with an explicitly built nonce and check the packet helper agrees with it.
        using var cipher = TransportCipher.Create(mode, Key(5));
        byte[] payload = [9, 8, 7, 6];
        var datagram = Seal(cipher, payload, counter: 0xA1B2C3D4);
        var nonce = new byte[cipher.NonceLength];
        nonce[0] = 0xA1; nonce[1] = 0xB2; nonce[2] = 0xC3; nonce[3] = 0xD4;
        var expected = new byte[payload.Length + 16];
        cipher.Encrypt(nonce, datagram.AsSpan(0, 12), payload, expected);
        Assert.Equal(expected, datagram[12..^4]);

        // Same payload under the next counter must give different ciphertext (no nonce reuse).
        var next = Seal(cipher, payload, counter: 0xA1B2C3D5);
        Assert.NotEqual(datagram[12..^4], next[12..^4]);
    }

    [Theory, MemberData(nameof(Modes))]
    public void Header_extension_preamble_is_authenticated_and_its_encrypted_body_skipped(string mode)
    {
        using var cipher = TransportCipher.Create(mode, Key(6));
        // V=2, X=1, CC=1, one CSRC, preamble BE DE with 2 words of body inside the ciphertext.
        byte[] clear = [0x91, 0x78, 0, 5, 0, 0, 0, 9, 0, 0, 0, 77, 0, 0, 0, 3, 0xBE, 0xDE, 0, 2];
        byte[] body = [0x10, 0xAA, 0, 0, 0x21, 0xBB, 0xCC, 0];
        byte[] opus = [0xFC, 1, 2, 3, 4];
        var datagram = new byte[clear.Length + body.Length + opus.Length + RtpSizeTransport.Overhead];
        RtpSizeTransport.Seal(cipher, clear, [.. body, .. opus], 99, datagram);

        Assert.Equal(RtpParseResult.Ok, RtpHeader.TryParse(datagram, out var header));
        Assert.Equal(20, header.ClearLength);
        Assert.Equal(8, header.ExtensionBodyLength);
        var (result, opened) = Open(cipher, datagram);
        Assert.Equal(RtpOpenResult.Ok, result);
        Assert.Equal(opus, opened);
    }

    [Theory, MemberData(nameof(Modes))]
    public void Rtp_padding_is_stripped_after_decryption_and_bad_padding_rejected(string mode)
    {
        using var cipher = TransportCipher.Create(mode, Key(7));
        byte[] clear = [0xA0, 0x78, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
        byte[] opus = [0xFC, 5, 6];
        var good = new byte[clear.Length + opus.Length + 4 + RtpSizeTransport.Overhead];
        RtpSizeTransport.Seal(cipher, clear, [.. opus, 0, 0, 0, 4], 1, good);
        var (result, opened) = Open(cipher, good);
        Assert.Equal(RtpOpenResult.Ok, result);
        Assert.Equal(opus, opened);

        foreach (var pad in new byte[] { 0, 8 })
        {
            var bad = new byte[clear.Length + opus.Length + 4 + RtpSizeTransport.Overhead];
            RtpSizeTransport.Seal(cipher, clear, [.. opus, 0, 0, 0, pad], 1, bad);
            Assert.Equal(RtpOpenResult.BadPadding, Open(cipher, bad).Result);
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void Extension_body_longer_than_plaintext_is_rejected(string mode)
    {
        using var cipher = TransportCipher.Create(mode, Key(8));
        byte[] clear = [0x90, 0x78, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 200];
        var datagram = new byte[clear.Length + 4 + RtpSizeTransport.Overhead];
        RtpSizeTransport.Seal(cipher, clear, [1, 2, 3, 4], 1, datagram);
        Assert.Equal(RtpOpenResult.BadExtension, Open(cipher, datagram).Result);
    }

    [Fact]
    public void Round_trip_holds_for_random_payloads_counters_and_modes()
    {
        using var aes = TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, Key(9));
        using var xchacha = TransportCipher.Create(TransportEncryptionMode.XChaCha20Poly1305RtpSize, Key(9));
        Gen.Select(Gen.Byte.Array[0, 1400], Gen.UInt, Gen.UShort, Gen.Bool).Sample((payload, counter, seq, useAes) =>
        {
            var cipher = useAes ? aes : xchacha;
            var datagram = Seal(cipher, payload, counter, seq);
            var (result, opened) = Open(cipher, datagram);
            return result == RtpOpenResult.Ok && opened.AsSpan().SequenceEqual(payload);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Random_datagrams_never_throw_and_never_authenticate()
    {
        using var cipher = TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, Key(10));
        var scratch = new byte[2048];
        Gen.Byte.Array[0, 1500].Sample(bytes =>
        {
            if (RtpHeader.TryParse(bytes, out var header) != RtpParseResult.Ok)
            {
                return true;
            }

            return RtpSizeTransport.Open(cipher, header, bytes, scratch, out _, out _) != RtpOpenResult.Ok;
        }, iter: 500, threads: 1);
    }
}
