using System.Buffers.Binary;
using Chorus.Discord.Voice.Rtp;

namespace Chorus.Discord.Voice.Encryption;

/// <summary>
/// The rtpsize packet layout: clear header (fixed part, CSRCs, extension preamble) as AAD ‖ ciphertext ‖ tag ‖
/// 4-byte big-endian nonce counter. The extension body and any RTP padding live inside the ciphertext.
/// </summary>
internal static class RtpSizeTransport
{
    public const int Overhead = TransportCipher.TagLength + TransportCipher.NonceSuffixLength;

    /// <summary>Builds header ‖ E(payload) ‖ tag ‖ counter into <paramref name="destination"/>; returns the datagram length.</summary>
    public static int Seal(TransportCipher cipher, ReadOnlySpan<byte> clearHeader, ReadOnlySpan<byte> plaintext, uint nonceCounter, Span<byte> destination)
    {
        var total = clearHeader.Length + plaintext.Length + Overhead;
        if (destination.Length < total)
        {
            throw new ArgumentException("Destination too small for the sealed packet.", nameof(destination));
        }

        clearHeader.CopyTo(destination);
        Span<byte> nonce = stackalloc byte[24];
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce, nonceCounter);
        nonce = nonce[..cipher.NonceLength];
        cipher.Encrypt(nonce, clearHeader, plaintext, destination.Slice(clearHeader.Length, plaintext.Length + TransportCipher.TagLength));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(total - TransportCipher.NonceSuffixLength, 4), nonceCounter);
        return total;
    }

    /// <summary>
    /// Decrypts a datagram whose header was already parsed into <paramref name="scratch"/> and returns where the
    /// Opus payload sits in it, with the extension body and the RTP padding removed.
    /// </summary>
    public static RtpOpenResult Open(TransportCipher cipher, in RtpHeader header, ReadOnlySpan<byte> datagram, Span<byte> scratch, out int payloadOffset, out int payloadLength)
    {
        payloadOffset = 0;
        payloadLength = 0;
        var sealedLength = datagram.Length - header.ClearLength - TransportCipher.NonceSuffixLength;
        if (sealedLength < TransportCipher.TagLength)
        {
            return RtpOpenResult.TooShort;
        }

        var plaintextLength = sealedLength - TransportCipher.TagLength;
        if (scratch.Length < plaintextLength)
        {
            return RtpOpenResult.TooShort;
        }

        Span<byte> nonce = stackalloc byte[24];
        nonce.Clear();
        datagram[^TransportCipher.NonceSuffixLength..].CopyTo(nonce);
        nonce = nonce[..cipher.NonceLength];
        if (!cipher.TryDecrypt(nonce, datagram[..header.ClearLength], datagram.Slice(header.ClearLength, sealedLength), scratch))
        {
            return RtpOpenResult.AuthenticationFailed;
        }

        var start = header.ExtensionBodyLength;
        if (start > plaintextLength)
        {
            return RtpOpenResult.BadExtension;
        }

        var end = plaintextLength;
        if (header.HasPadding)
        {
            if (end == start)
            {
                return RtpOpenResult.BadPadding;
            }

            int pad = scratch[end - 1];
            if (pad == 0 || pad > end - start)
            {
                return RtpOpenResult.BadPadding;
            }

            end -= pad;
        }
        payloadOffset = start;
        payloadLength = end - start;
        return RtpOpenResult.Ok;
    }
}
