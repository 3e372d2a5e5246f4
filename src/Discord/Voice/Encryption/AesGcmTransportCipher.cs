using System.Security.Cryptography;

namespace Chorus.Discord.Voice.Encryption;

/// <summary><c>aead_aes256_gcm_rtpsize</c>: AES-256-GCM, 12-byte nonce, 16-byte tag.</summary>
internal sealed class AesGcmTransportCipher : TransportCipher
{
    private readonly AesGcm _aes;

    public AesGcmTransportCipher(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != KeyLength)
        {
            throw new ArgumentException("The voice secret key must be 32 bytes.", nameof(secretKey));
        }

        _aes = new AesGcm(secretKey, TagLength);
    }

    public override string Mode => TransportEncryptionMode.Aes256GcmRtpSize;

    public override int NonceLength => 12;

    public override void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag)
    {
        _aes.Encrypt(nonce, plaintext, ciphertextAndTag[..plaintext.Length], ciphertextAndTag.Slice(plaintext.Length, TagLength), associatedData);
    }

    public override bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext)
    {
        var length = ciphertextAndTag.Length - TagLength;
        if (length < 0)
        {
            return false;
        }

        try
        {
            _aes.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext[..length], associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // The BCL reports a bad tag only by exception; a forged packet is an expected event here.
            return false;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
        }
    }
}
