using System.Buffers.Binary;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;

namespace Chorus.Discord.Dave;

/// <summary>
/// Per-sender hash ratchet (RFC 9420 §9.1 style): secret_0 = MLS-Exporter("Discord Secure Frames v0", user id LE, 16);
/// key_g = ExpandWithLabel(secret_g, "key", u32be g, 16); secret_{g+1} = ExpandWithLabel(secret_g, "secret", u32be g, 32).
/// Derives forward only; keys of generations already passed are kept until erased.
/// </summary>
internal sealed class DaveKeyRatchet
{
    private readonly Dictionary<uint, byte[]> _keys = [];
    private byte[] _secret;
    private uint _nextGeneration;

    public DaveKeyRatchet(ReadOnlySpan<byte> baseSecret)
    {
        _secret = baseSecret.ToArray();
    }

    public static DaveKeyRatchet FromGroup(MlsGroup group, ulong userId)
    {
        Span<byte> context = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(context, userId);
        return new DaveKeyRatchet(group.Export(DaveMedia.ExporterLabel, context, DaveMedia.KeyLength));
    }

    /// <summary>The key for <paramref name="generation"/>, or null when it was erased or lies behind the ratchet.</summary>
    public byte[]? GetKey(uint generation)
    {
        if (_keys.TryGetValue(generation, out var key))
        {
            return key;
        }

        if (generation < _nextGeneration)
        {
            return null;
        }

        while (_nextGeneration <= generation)
        {
            var g = _nextGeneration;
            _keys[g] = CipherSuite.DeriveTreeSecret(_secret, "key", g, DaveMedia.KeyLength);
            _secret = CipherSuite.DeriveTreeSecret(_secret, "secret", g, CipherSuite.HashLength);
            _nextGeneration++;
        }

        return _keys[generation];
    }

    public void Erase(uint generation) => _keys.Remove(generation);
}
