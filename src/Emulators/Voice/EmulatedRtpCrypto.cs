using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Chorus.Emulators.Voice;

/// <summary>
/// The emulator's own rtpsize transport crypto, written apart from the client's so that a shared mistake cannot
/// cancel out: AAD = clear header incl. extension preamble; ciphertext ‖ tag ‖ 4-byte big-endian counter.
/// </summary>
internal sealed class EmulatedRtpCrypto : IDisposable
{
    public const string Aes = "aead_aes256_gcm_rtpsize";
    public const string XChaCha = "aead_xchacha20_poly1305_rtpsize";

    private readonly AesGcm? _aes;
    private readonly Key? _xchacha;

    public EmulatedRtpCrypto(string mode, byte[] key)
    {
        Mode = mode;
        if (mode == Aes)
        {
            _aes = new AesGcm(key, 16);
        }
        else if (mode == XChaCha)
        {
            _xchacha = Key.Import(AeadAlgorithm.XChaCha20Poly1305, key, KeyBlobFormat.RawSymmetricKey);
        }
        else
        {
            throw new ArgumentException($"unknown mode {mode}", nameof(mode));
        }
    }

    public string Mode { get; }

    /// <summary>Returns the Opus payload (extension body and padding removed), or null when the packet is bad.</summary>
    public byte[]? Open(ReadOnlySpan<byte> packet, out ushort sequence, out uint timestamp, out uint ssrc)
    {
        sequence = 0; timestamp = 0; ssrc = 0;
        if (packet.Length < 12 + 20 || packet[0] >> 6 != 2 || (packet[1] & 0x7F) != 120)
        {
            return null;
        }

        var clear = 12 + 4 * (packet[0] & 0x0F);
        var extension = (packet[0] & 0x10) != 0;
        var extensionBody = 0;
        if (extension)
        {
            if (packet.Length < clear + 4)
            {
                return null;
            }

            extensionBody = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(clear + 2)..]);
            clear += 4;
        }
        var sealedLength = packet.Length - clear - 4;
        if (sealedLength < 16)
        {
            return null;
        }

        sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var plain = new byte[sealedLength - 16];
        Span<byte> nonce = stackalloc byte[_aes is not null ? 12 : 24];
        nonce.Clear();
        packet[^4..].CopyTo(nonce);
        var aad = packet[..clear];
        var sealedPart = packet.Slice(clear, sealedLength);
        if (_aes is not null)
        {
            try
            {
                _aes.Decrypt(nonce, sealedPart[..^16], sealedPart[^16..], plain, aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                return null;
            }
        }
        else if (!AeadAlgorithm.XChaCha20Poly1305.Decrypt(_xchacha!, nonce, aad, sealedPart, plain))
        {
            return null;
        }
        var end = plain.Length;
        if ((packet[0] & 0x20) != 0)
        {
            if (end == 0 || plain[end - 1] == 0 || plain[end - 1] > end - extensionBody)
            {
                return null;
            }

            end -= plain[end - 1];
        }
        if (extensionBody > end)
        {
            return null;
        }

        return plain[extensionBody..end];
    }

    /// <summary>Builds a packet; with <paramref name="discordExtension"/> it carries a one-word BE DE extension like Discord's SFU adds.</summary>
    public byte[] Seal(ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> opus, uint counter, bool discordExtension) =>
        SealWithFirstByte((byte)(discordExtension ? 0x90 : 0x80), sequence, timestamp, ssrc, opus, counter, discordExtension);

    /// <summary>As <see cref="Seal"/> with an explicit first header byte (to set the padding bit).</summary>
    public byte[] SealWithFirstByte(byte first, ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> opus, uint counter, bool discordExtension)
    {
        var clear = discordExtension ? 16 : 12;
        byte[] extensionBody = discordExtension ? [0x10, 0x7F, 0x00, 0x00] : [];
        var plain = new byte[extensionBody.Length + opus.Length];
        extensionBody.CopyTo(plain, 0);
        opus.CopyTo(plain.AsSpan(extensionBody.Length));
        var packet = new byte[clear + plain.Length + 16 + 4];
        packet[0] = first;
        packet[1] = 120;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        if (discordExtension)
        {
            packet[12] = 0xBE; packet[13] = 0xDE; packet[14] = 0; packet[15] = 1;
        }
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(packet.Length - 4), counter);
        Span<byte> nonce = stackalloc byte[_aes is not null ? 12 : 24];
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce, counter);
        var aad = packet.AsSpan(0, clear);
        var output = packet.AsSpan(clear, plain.Length + 16);
        if (_aes is not null)
        {
            _aes.Encrypt(nonce, plain, output[..plain.Length], output[plain.Length..], aad);
        }
        else
        {
            AeadAlgorithm.XChaCha20Poly1305.Encrypt(_xchacha!, nonce, aad, plain, output);
        }

        return packet;
    }

    public void Dispose()
    {
        _aes?.Dispose();
        _xchacha?.Dispose();
    }
}
