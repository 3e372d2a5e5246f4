namespace Chorus.Discord.Voice.Encryption;

/// <summary>The transport encryption modes Discord still offers (all xsalsa20 and non-rtpsize modes are gone).</summary>
internal static class TransportEncryptionMode
{
    public const string Aes256GcmRtpSize = "aead_aes256_gcm_rtpsize";
    public const string XChaCha20Poly1305RtpSize = "aead_xchacha20_poly1305_rtpsize";

    /// <summary>AES-GCM first (Discord's "preferred"), XChaCha20-Poly1305 otherwise ("required").</summary>
    public static string? Choose(IReadOnlyList<string> offered)
    {
        if (offered.Contains(Aes256GcmRtpSize) && System.Security.Cryptography.AesGcm.IsSupported)
        {
            return Aes256GcmRtpSize;
        }

        return offered.Contains(XChaCha20Poly1305RtpSize) ? XChaCha20Poly1305RtpSize : null;
    }
}
