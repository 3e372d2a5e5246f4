using Chorus.Mls.Crypto;

namespace Chorus.Mls.Tree;

/// <summary>The HPKE private keys a member holds: its leaf and the parent nodes on its direct path it knows path secrets for.</summary>
internal sealed class TreePrivateState
{
    private readonly Dictionary<uint, HpkeKeyPair> _keys;

    public TreePrivateState(uint leafIndex, HpkeKeyPair leafKey)
    {
        LeafIndex = leafIndex;
        _keys = new Dictionary<uint, HpkeKeyPair> { [TreeMath.LeafToNode(leafIndex)] = leafKey };
    }

    private TreePrivateState(uint leafIndex, Dictionary<uint, HpkeKeyPair> keys)
    {
        LeafIndex = leafIndex;
        _keys = keys;
    }

    public uint LeafIndex { get; }

    public HpkeKeyPair LeafKey => _keys[TreeMath.LeafToNode(LeafIndex)];

    public TreePrivateState Clone() => new(LeafIndex, new Dictionary<uint, HpkeKeyPair>(_keys));

    public bool TryGetKey(uint node, out HpkeKeyPair key) => _keys.TryGetValue(node, out key!);

    public void SetKey(uint node, HpkeKeyPair key) => _keys[node] = key;

    public void RemoveKey(uint node) => _keys.Remove(node);

    public IEnumerable<uint> Nodes => _keys.Keys;

    /// <summary>Drops keys whose node is now blank or carries a different public key.</summary>
    public void Prune(RatchetTree tree)
    {
        foreach (var node in _keys.Keys.ToList())
        {
            if (tree[node] is not { } n || !n.EncryptionKey.AsSpan().SequenceEqual(_keys[node].PublicKey))
            {
                _keys.Remove(node);
            }
        }
    }

    /// <summary>Installs path secrets from <paramref name="startNode"/> up the direct path; returns the secret one step past the root (the commit secret).</summary>
    public byte[] ImplantPathSecret(RatchetTree tree, uint startNode, byte[] pathSecret, IReadOnlyList<uint> filteredPath)
    {
        var started = false;
        foreach (var node in filteredPath)
        {
            if (node == startNode)
            {
                started = true;
            }

            if (!started)
            {
                continue;
            }

            var key = Hpke.DeriveKeyPair(CipherSuite.DeriveSecret(pathSecret, "node"));
            if (tree[node] is not { } n || !n.EncryptionKey.AsSpan().SequenceEqual(key.PublicKey))
            {
                throw new MlsException("Path secret does not match the tree's public key.");
            }

            _keys[node] = key;
            pathSecret = CipherSuite.DeriveSecret(pathSecret, "path");
        }

        if (!started)
        {
            throw new MlsException("Path secret node not on the filtered direct path.");
        }

        return pathSecret;
    }
}
