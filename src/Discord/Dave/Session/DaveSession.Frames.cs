using Chorus.Discord.Diagnostics;

namespace Chorus.Discord.Dave.Session;

public sealed partial class DaveSession
{
    /// <summary>Upper bound, in bytes, of the encrypted DAVE frame for an Opus frame of <paramref name="frameLength"/> bytes.</summary>
    public int GetMaxEncryptedLength(int frameLength) => DaveEncryptor.MaxOutputSize(frameLength);

    /// <summary>Encrypts one Opus frame with our current send key; refuses (drop) until <see cref="IsReadyToSend"/>.</summary>
    public bool TryEncrypt(ReadOnlySpan<byte> opusFrame, Span<byte> destination, out int written)
    {
        written = 0;
        lock (_media)
        {
            if (_disposed)
            {
                return false;
            }

            if (_sendPassthrough)
            {
                if (!opusFrame.TryCopyTo(destination))
                {
                    return false;
                }

                written = opusFrame.Length;
                return true;
            }

            if (!_mediaKeys.CanEncrypt || destination.Length < DaveEncryptor.MaxOutputSize(opusFrame.Length))
            {
                _metrics.DaveFramesNotReady.Add(1);
                return false;
            }

            written = _mediaKeys.Encrypt(opusFrame, destination);
        }

        _metrics.DaveFramesEncrypted.Add(1);
        return true;
    }

    /// <summary>Decrypts a frame from <paramref name="userId"/>; silence always passes, plain frames only in a passthrough window.</summary>
    public bool TryDecrypt(ulong userId, ReadOnlySpan<byte> frame, Span<byte> destination, out int written)
    {
        written = 0;
        lock (_media)
        {
            if (_disposed)
            {
                return false;
            }

            if (_sendPassthrough || (_passthroughUntil > _time.GetUtcNow() && _mediaKeys.DecryptorFor(userId) is null))
            {
                if (!frame.TryCopyTo(destination))
                {
                    return false;
                }

                written = frame.Length;
                _metrics.DaveFramesPassedThrough.Add(1);
                return true;
            }

            if (destination.Length < frame.Length && DaveMedia.IsSilence(frame))
            {
                return false;
            }

            var result = _mediaKeys.Decrypt(userId, frame, destination, out written);
            switch (result)
            {
                case DaveDecryptResult.Decrypted:
                    _metrics.DaveFramesDecrypted.Add(1);
                    return true;
                case DaveDecryptResult.Silence or DaveDecryptResult.PassedThrough:
                    _metrics.DaveFramesPassedThrough.Add(1);
                    return true;
                default:
                    // Keys change around a transition; failures then are expected and must not look like an attack or a bug.
                    // Waiting for our Welcome (joining, or rejoining after op 31) is one too: no one's frames can be read yet.
                    _metrics.DaveDecryptFailures.Add(
                        1, _pendingTransitions.Count > 0 || _groupEpoch is null ? MetricTag.TransitionPending : MetricTag.NoTransitionPending);
                    written = 0;
                    return false;
            }
        }
    }
}
