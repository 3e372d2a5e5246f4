using System.Buffers.Binary;

namespace Chorus.Discord.Dave;

/// <summary>
/// Decrypts one remote user's frames. Holds one cryptor manager per epoch ratchet, newest first; older ones expire 10 s
/// after a newer ratchet arrives. Counts every outcome. No allocation per frame in steady state.
/// </summary>
internal sealed class DaveDecryptor : IDisposable
{
    public static readonly TimeSpan RatchetExpiry = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly List<DaveCryptorManager> _managers = [];
    private DateTimeOffset _passthroughUntil = DateTimeOffset.MinValue;

    public DaveDecryptor(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    public long Decrypted { get; private set; }

    public long Silence { get; private set; }

    public long PassedThrough { get; private set; }

    public long InvalidFrames { get; private set; }

    public long NoKey { get; private set; }

    public long Replayed { get; private set; }

    public long AuthenticationFailures { get; private set; }

    public bool HasRatchet => _managers.Count > 0;

    /// <summary>Adds the ratchet of a new epoch; the previous ones stay usable for <see cref="RatchetExpiry"/>.</summary>
    public void TransitionToRatchet(DaveKeyRatchet ratchet)
    {
        var expiry = _time.GetUtcNow() + RatchetExpiry;
        foreach (var manager in _managers)
        {
            manager.Expiry ??= expiry;
        }

        _managers.Add(new DaveCryptorManager(ratchet, _time));
    }

    /// <summary>Enabling allows non-protocol frames indefinitely; disabling keeps allowing them for <paramref name="expiry"/>.</summary>
    public void SetPassthroughMode(bool enabled, TimeSpan expiry)
    {
        _passthroughUntil = enabled ? DateTimeOffset.MaxValue : _time.GetUtcNow() + expiry;
    }

    public bool PassthroughAllowed => _passthroughUntil > _time.GetUtcNow();

    /// <summary>Decrypts <paramref name="frame"/> into <paramref name="output"/> (at least frame length bytes).</summary>
    public DaveDecryptResult Decrypt(ReadOnlySpan<byte> frame, Span<byte> output, out int written)
    {
        written = 0;
        if (DaveMedia.IsSilence(frame))
        {
            frame.CopyTo(output);
            written = frame.Length;
            Silence++;
            return DaveDecryptResult.Silence;
        }

        if (!DaveFrameLayout.TryParse(frame, out var layout))
        {
            if (PassthroughAllowed && output.Length >= frame.Length)
            {
                frame.CopyTo(output);
                written = frame.Length;
                PassedThrough++;
                return DaveDecryptResult.PassedThrough;
            }

            InvalidFrames++;
            return DaveDecryptResult.InvalidFrame;
        }

        if (output.Length < layout.Ciphertext.Length)
        {
            InvalidFrames++;
            return DaveDecryptResult.InvalidFrame;
        }

        DropExpiredManagers();
        Span<byte> nonce = stackalloc byte[DaveMedia.NonceLength];
        nonce.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(nonce[DaveMedia.TruncatedNonceOffset..], layout.Nonce);
        var result = DaveDecryptResult.NoKey;
        for (var i = _managers.Count - 1; i >= 0; i--)
        {
            var manager = _managers[i];
            var generation = manager.WrappedGeneration(layout.Nonce >> DaveMedia.GenerationShift);
            var bigNonce = DaveCryptorManager.BigNonce(generation, layout.Nonce);
            if (!manager.CanProcess(bigNonce))
            {
                result = DaveDecryptResult.Replayed;
                continue;
            }

            var cipher = manager.GetCipher(generation);
            if (cipher is null)
            {
                continue;
            }

            if (cipher.TryDecrypt(nonce, layout.Ciphertext, layout.Tag, output))
            {
                manager.ReportSuccess(generation, bigNonce);
                written = layout.Ciphertext.Length;
                Decrypted++;
                return DaveDecryptResult.Decrypted;
            }

            if (result != DaveDecryptResult.Replayed)
            {
                result = DaveDecryptResult.AuthenticationFailed;
            }
        }

        switch (result)
        {
            case DaveDecryptResult.Replayed:
                Replayed++;
                break;
            case DaveDecryptResult.AuthenticationFailed:
                AuthenticationFailures++;
                break;
            default:
                NoKey++;
                break;
        }

        return result;
    }

    private void DropExpiredManagers()
    {
        if (_managers.Count <= 1)
        {
            return;
        }

        var now = _time.GetUtcNow();
        for (var i = _managers.Count - 2; i >= 0; i--)
        {
            if (_managers[i].Expiry is { } expiry && expiry <= now)
            {
                _managers[i].Dispose();
                _managers.RemoveAt(i);
            }
        }
    }

    public void Dispose()
    {
        foreach (var manager in _managers)
        {
            manager.Dispose();
        }

        _managers.Clear();
    }
}
