using Chorus.Mls.Group;

namespace Chorus.Discord.Dave;

/// <summary>
/// Media keys of one call: our encryptor and one decryptor per other member. <see cref="PrepareEpoch"/> installs the new
/// epoch's receive ratchets at once (senders may switch before the transition executes) and stages our send ratchet;
/// <see cref="ExecuteTransition"/> switches the encryptor. Not thread-safe; callers serialise per call.
/// </summary>
internal sealed class DaveMediaKeys : IDisposable
{
    private readonly Dictionary<ulong, DaveDecryptor> _decryptors = [];
    private readonly TimeProvider _time;
    private DaveKeyRatchet? _stagedSendRatchet;

    public DaveMediaKeys(ulong selfUserId, TimeProvider? time = null)
    {
        SelfUserId = selfUserId;
        _time = time ?? TimeProvider.System;
    }

    public ulong SelfUserId { get; }

    public DaveEncryptor Encryptor { get; } = new();

    public bool CanEncrypt => Encryptor.HasKey;

    public IReadOnlyCollection<ulong> KnownSenders => _decryptors.Keys;

    /// <summary>Derives every member's ratchet for the group's epoch; receive side takes effect now, send side on <see cref="ExecuteTransition"/>.</summary>
    public void PrepareEpoch(MlsGroup group) => InstallEpoch(DeriveRatchets(group));

    /// <summary>
    /// Every member's ratchet for the group's epoch. Touches no state of this object, so a caller can run it (one
    /// MLS export per member) without holding up the frames that <see cref="Encrypt"/> and <see cref="Decrypt"/> serve.
    /// </summary>
    public static List<(ulong UserId, DaveKeyRatchet Ratchet)> DeriveRatchets(MlsGroup group)
    {
        var ratchets = new List<(ulong, DaveKeyRatchet)>(group.Members.Count);
        foreach (var member in group.Members)
        {
            if (member.UserId is { } userId)
            {
                ratchets.Add((userId, DaveKeyRatchet.FromGroup(group, userId)));
            }
        }

        return ratchets;
    }

    /// <summary>Installs ratchets from <see cref="DeriveRatchets"/>: receive side now, send side on <see cref="ExecuteTransition"/>.</summary>
    public void InstallEpoch(List<(ulong UserId, DaveKeyRatchet Ratchet)> ratchets)
    {
        foreach (var (userId, ratchet) in ratchets)
        {
            if (userId == SelfUserId)
            {
                _stagedSendRatchet = ratchet;
                continue;
            }

            if (!_decryptors.TryGetValue(userId, out var decryptor))
            {
                decryptor = new DaveDecryptor(_time);
                _decryptors[userId] = decryptor;
            }

            decryptor.TransitionToRatchet(ratchet);
        }
    }

    public void ExecuteTransition()
    {
        if (_stagedSendRatchet is not null)
        {
            Encryptor.SetRatchet(_stagedSendRatchet);
            _stagedSendRatchet = null;
        }
    }

    /// <summary>Forget all keys (protocol version 0, reset, or leaving the call).</summary>
    public void Reset()
    {
        Encryptor.SetRatchet(null);
        _stagedSendRatchet = null;
        foreach (var decryptor in _decryptors.Values)
        {
            decryptor.Dispose();
        }

        _decryptors.Clear();
    }

    public void RemoveSender(ulong userId)
    {
        if (_decryptors.Remove(userId, out var decryptor))
        {
            decryptor.Dispose();
        }
    }

    public int Encrypt(ReadOnlySpan<byte> opus, Span<byte> output) => Encryptor.Encrypt(opus, output);

    /// <summary>Decrypts a frame from <paramref name="userId"/>; unknown senders yield <see cref="DaveDecryptResult.NoKey"/> (silence still passes).</summary>
    public DaveDecryptResult Decrypt(ulong userId, ReadOnlySpan<byte> frame, Span<byte> output, out int written)
    {
        if (_decryptors.TryGetValue(userId, out var decryptor))
        {
            return decryptor.Decrypt(frame, output, out written);
        }

        if (DaveMedia.IsSilence(frame))
        {
            frame.CopyTo(output);
            written = frame.Length;
            return DaveDecryptResult.Silence;
        }

        written = 0;
        return DaveDecryptResult.NoKey;
    }

    public DaveDecryptor? DecryptorFor(ulong userId) => _decryptors.GetValueOrDefault(userId);

    public void Dispose()
    {
        Reset();
        Encryptor.Dispose();
    }
}
