namespace Chorus.Discord.Voice;

/// <summary>
/// Per-frame media encryption between Opus and RTP (DAVE slots in here). Encrypt runs on each Opus frame we send,
/// after encoding and before transport encryption; decrypt runs on each received frame after transport
/// decryption and extension/padding stripping, once the sender's user id is known.
/// </summary>
public interface IVoiceFrameCryptor
{
    /// <summary>Upper bound of the encrypted size of a frame of <paramref name="frameLength"/> bytes.</summary>
    int GetMaxEncryptedLength(int frameLength);

    /// <summary>Returns false to drop the frame (for example while keys are missing).</summary>
    bool TryEncrypt(ReadOnlySpan<byte> opusFrame, Span<byte> destination, out int written);

    /// <summary>Returns false when the frame cannot be decrypted; the caller drops and counts it.</summary>
    bool TryDecrypt(ulong userId, ReadOnlySpan<byte> frame, Span<byte> destination, out int written);
}
