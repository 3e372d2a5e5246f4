using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tree;

/// <summary>
/// The public ratchet tree (RFC 9420 §7): complete binary tree in array form, with tree hashes, parent hashes,
/// resolutions and the Add/Remove/Update edits. Node objects are never mutated once stored, so <see cref="Clone"/> is shallow.
/// </summary>
public sealed class RatchetTree : ITlsWritable
{
    private TreeNode?[] _nodes;

    // Subtree hashes without exclusions, dropped wholesale on any edit (edits are rare, hashing is frequent).
    private byte[]?[] _hashes;

    private RatchetTree(TreeNode?[] nodes, byte[]?[]? hashes = null)
    {
        _nodes = nodes;
        _hashes = hashes ?? new byte[]?[nodes.Length];
    }

    private void Invalidate() => _hashes = new byte[]?[_nodes.Length];

    internal uint LeafCount => ((uint)_nodes.Length + 1) / 2;

    internal uint NodeCount => (uint)_nodes.Length;

    internal uint Root => TreeMath.Root(LeafCount);

    internal static RatchetTree WithSingleLeaf(LeafNode leaf) => new([TreeNode.FromLeaf(leaf)]);

    /// <summary>A copy whose edits do not affect this tree (shallow: stored nodes are never mutated).</summary>
    public RatchetTree Clone() => new((TreeNode?[])_nodes.Clone(), (byte[]?[])_hashes.Clone());

    internal TreeNode? this[uint node] => node < _nodes.Length ? _nodes[node] : null;

    internal LeafNode? GetLeaf(uint leafIndex) => leafIndex < LeafCount ? this[TreeMath.LeafToNode(leafIndex)]?.Leaf : null;

    internal bool IsBlank(uint node) => this[node] is null;

    /// <summary>The non-blank leaves with their leaf indexes, in index order.</summary>
    public IEnumerable<(uint LeafIndex, LeafNode Leaf)> Leaves()
    {
        for (uint i = 0; i < LeafCount; i++)
        {
            if (GetLeaf(i) is { } leaf)
            {
                yield return (i, leaf);
            }
        }
    }

    internal void SetNode(uint node, TreeNode? value)
    {
        _nodes[node] = value;
        Invalidate();
    }

    internal void SetLeaf(uint leafIndex, LeafNode? leaf) => SetNode(TreeMath.LeafToNode(leafIndex), leaf is null ? null : TreeNode.FromLeaf(leaf));

    // --- Serialization: optional<Node> ratchet_tree<V>, trailing blank nodes omitted ---

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        var last = _nodes.Length - 1;
        while (last >= 0 && _nodes[last] is null)
        {
            last--;
        }

        writer.WriteVector(_nodes.AsSpan(0, last + 1).ToArray(), static (w, n) =>
        {
            w.WriteOptionalPresent(n is not null);
            n?.Write(w);
        });
    }

    /// <summary>Decodes one the ratchet tree (optional&lt;Node&gt; nodes&lt;V&gt;); throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static RatchetTree Read(ref TlsReader reader)
    {
        var body = reader.ReadVector();
        var nodes = new List<TreeNode?>();
        while (!body.IsEmpty)
        {
            nodes.Add(body.ReadOptionalPresent() ? TreeNode.Read(ref body) : null);
        }

        if (nodes.Count == 0 || nodes[^1] is null || nodes.Count % 2 == 0)
        {
            throw new MlsDecodeException("Ratchet tree must end with a non-blank leaf.");
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is { } n && (n.Leaf is not null) != (i % 2 == 0))
            {
                throw new MlsDecodeException($"Node {i} has the wrong node type for its position.");
            }
        }

        uint leaves = 1;
        while (TreeMath.NodeWidth(leaves) < nodes.Count)
        {
            leaves *= 2;
        }

        var array = new TreeNode?[TreeMath.NodeWidth(leaves)];
        nodes.CopyTo(array);
        return new RatchetTree(array);
    }

    /// <summary>Decodes a ratchet_tree extension body that spans all of <paramref name="data"/>; throws <see cref="MlsException"/> on malformed input.</summary>
    public static RatchetTree Decode(ReadOnlySpan<byte> data) => Tls.Decode(data, Read);

    // --- Resolution and filtered direct path ---

    internal List<uint> Resolution(uint node)
    {
        var result = new List<uint>();
        AppendResolution(node, result);
        return result;
    }

    private void AppendResolution(uint node, List<uint> result)
    {
        if (this[node] is { } n)
        {
            result.Add(node);
            if (n.Parent is not null)
            {
                foreach (var leaf in n.Parent.UnmergedLeaves)
                {
                    result.Add(TreeMath.LeafToNode(leaf));
                }
            }
        }
        else if (!TreeMath.IsLeaf(node))
        {
            AppendResolution(TreeMath.Left(node), result);
            AppendResolution(TreeMath.Right(node), result);
        }
    }

    /// <summary>Direct path of a leaf minus the nodes whose copath child has an empty resolution, with that copath child.</summary>
    public List<(uint Node, uint CopathChild)> FilteredDirectPath(uint leafIndex)
    {
        var result = new List<(uint, uint)>();
        var child = TreeMath.LeafToNode(leafIndex);
        foreach (var parent in TreeMath.DirectPath(child, LeafCount))
        {
            var copath = TreeMath.Left(parent) == child ? TreeMath.Right(parent) : TreeMath.Left(parent);
            if (Resolution(copath).Count > 0)
            {
                result.Add((parent, copath));
            }

            child = parent;
        }

        return result;
    }

    // --- Tree hashes ---

    internal byte[] RootHash() => TreeHash(Root);

    internal byte[] TreeHash(uint node) => TreeHash(node, null);

    /// <summary>Tree hash with the given leaves treated as blank and dropped from unmerged lists (for original sibling hashes).</summary>
    public byte[] TreeHash(uint node, IReadOnlyCollection<uint>? excludedLeaves)
    {
        var cacheable = excludedLeaves is null || excludedLeaves.Count == 0;
        if (cacheable && _hashes[node] is { } cached)
        {
            return cached;
        }

        var hash = ComputeTreeHash(node, excludedLeaves);
        if (cacheable)
        {
            _hashes[node] = hash;
        }

        return hash;
    }

    private byte[] ComputeTreeHash(uint node, IReadOnlyCollection<uint>? excludedLeaves)
    {
        var writer = new TlsWriter();
        if (TreeMath.IsLeaf(node))
        {
            var leafIndex = TreeMath.NodeToLeaf(node);
            var leaf = this[node]?.Leaf;
            if (excludedLeaves is not null && excludedLeaves.Contains(leafIndex))
            {
                leaf = null;
            }

            writer.WriteU8(1);
            writer.WriteU32(leafIndex);
            writer.WriteOptionalPresent(leaf is not null);
            leaf?.Write(writer);
        }
        else
        {
            var parent = this[node]?.Parent;
            writer.WriteU8(2);
            writer.WriteOptionalPresent(parent is not null);
            if (parent is not null)
            {
                if (excludedLeaves is { Count: > 0 })
                {
                    parent = new ParentNode
                    {
                        EncryptionKey = parent.EncryptionKey,
                        ParentHash = parent.ParentHash,
                        UnmergedLeaves = parent.UnmergedLeaves.Where(l => !excludedLeaves.Contains(l)).ToList(),
                    };
                }

                parent.Write(writer);
            }

            writer.WriteOpaque(TreeHash(TreeMath.Left(node), excludedLeaves));
            writer.WriteOpaque(TreeHash(TreeMath.Right(node), excludedLeaves));
        }

        return CipherSuite.Hash(writer.WrittenSpan);
    }

    // --- Parent hashes ---

    /// <summary>Hash(ParentHashInput) of <paramref name="parent"/> as seen by its child on the side opposite <paramref name="sibling"/>.</summary>
    public byte[] ParentHashOf(uint parent, uint sibling)
    {
        var node = this[parent]?.Parent ?? throw new MlsException("Parent hash of a blank node.");
        var writer = new TlsWriter();
        writer.WriteOpaque(node.EncryptionKey);
        writer.WriteOpaque(node.ParentHash);
        writer.WriteOpaque(TreeHash(sibling, node.UnmergedLeaves));
        return CipherSuite.Hash(writer.WrittenSpan);
    }

    /// <summary>Every non-blank parent node must be parent-hash valid relative to one of its children (RFC 9420 §7.9.2).</summary>
    public bool VerifyParentHashes()
    {
        for (uint node = 1; node < _nodes.Length; node += 2)
        {
            if (_nodes[node] is null)
            {
                continue;
            }

            var left = TreeMath.Left(node);
            var right = TreeMath.Right(node);
            if (!ChildHasParentHash(left, ParentHashOf(node, right), node) && !ChildHasParentHash(right, ParentHashOf(node, left), node))
            {
                return false;
            }
        }

        return true;
    }

    private bool ChildHasParentHash(uint child, byte[] expected, uint parent)
    {
        var unmerged = this[parent]!.Parent!.UnmergedLeaves;
        foreach (var node in Resolution(child))
        {
            if (TreeMath.IsLeaf(node) && unmerged.Contains(TreeMath.NodeToLeaf(node)))
            {
                continue;
            }

            if (this[node]!.ParentHash.AsSpan().SequenceEqual(expected))
            {
                return true;
            }
        }

        return false;
    }

    // --- Edits ---

    /// <summary>Adds a leaf at the leftmost blank position, extending the tree if full; returns its leaf index.</summary>
    public uint AddLeaf(LeafNode leaf)
    {
        uint index = 0;
        while (index < LeafCount && GetLeaf(index) is not null)
        {
            index++;
        }

        if (index >= LeafCount)
        {
            var extended = new TreeNode?[TreeMath.NodeWidth(LeafCount * 2)];
            _nodes.CopyTo(extended, 0);
            _nodes = extended;
            Invalidate();
        }

        SetLeaf(index, leaf);
        foreach (var parent in TreeMath.DirectPath(TreeMath.LeafToNode(index), LeafCount))
        {
            if (_nodes[parent]?.Parent is { } p)
            {
                SetNode(parent, TreeNode.FromParent(new ParentNode
                {
                    EncryptionKey = p.EncryptionKey,
                    ParentHash = p.ParentHash,
                    UnmergedLeaves = [.. p.UnmergedLeaves, index],
                }));
            }
        }

        return index;
    }

    internal void BlankDirectPath(uint leafIndex)
    {
        foreach (var parent in TreeMath.DirectPath(TreeMath.LeafToNode(leafIndex), LeafCount))
        {
            _nodes[parent] = null;
        }

        Invalidate();
    }

    internal void RemoveLeaf(uint leafIndex)
    {
        if (leafIndex >= LeafCount || GetLeaf(leafIndex) is null)
        {
            throw new MlsException($"Remove of blank or missing leaf {leafIndex}.");
        }

        SetLeaf(leafIndex, null);
        BlankDirectPath(leafIndex);
    }

    internal void UpdateLeaf(uint leafIndex, LeafNode leaf)
    {
        SetLeaf(leafIndex, leaf);
        BlankDirectPath(leafIndex);
    }

    /// <summary>Halves the tree while its right subtree is entirely blank.</summary>
    public void Truncate()
    {
        while (LeafCount > 1)
        {
            var half = (int)TreeMath.NodeWidth(LeafCount / 2);
            var rightBlank = true;
            for (var i = half; i < _nodes.Length; i++)
            {
                if (_nodes[i] is not null)
                {
                    rightBlank = false;
                    break;
                }
            }

            if (!rightBlank)
            {
                return;
            }

            Array.Resize(ref _nodes, half);
            Invalidate();
        }
    }

    internal uint? FindLeaf(Func<LeafNode, bool> predicate)
    {
        foreach (var (index, leaf) in Leaves())
        {
            if (predicate(leaf))
            {
                return index;
            }
        }

        return null;
    }

    /// <summary>Checks leaf signatures, key uniqueness and parent hashes, as a joiner must (RFC 9420 §12.4.3.1).</summary>
    public void Validate(ReadOnlySpan<byte> groupId)
    {
        var encryptionKeys = new HashSet<string>();
        var signatureKeys = new HashSet<string>();
        foreach (var (index, leaf) in Leaves())
        {
            if (!leaf.VerifySignature(groupId, index))
            {
                throw new MlsException($"Leaf {index} signature invalid.");
            }

            if (!signatureKeys.Add(Convert.ToHexString(leaf.SignatureKey)))
            {
                throw new MlsException("Duplicate signature key in tree.");
            }
        }

        for (uint node = 0; node < _nodes.Length; node++)
        {
            if (_nodes[node] is { } n && !encryptionKeys.Add(Convert.ToHexString(n.EncryptionKey)))
            {
                throw new MlsException("Duplicate encryption key in tree.");
            }

            if (_nodes[node]?.Parent is { } p)
            {
                foreach (var leaf in p.UnmergedLeaves)
                {
                    if (leaf >= LeafCount || GetLeaf(leaf) is null || !TreeMath.IsInSubtree(TreeMath.LeafToNode(leaf), node))
                    {
                        throw new MlsException("Unmerged leaf not below its parent or blank.");
                    }
                }
            }
        }

        if (!VerifyParentHashes())
        {
            throw new MlsException("Ratchet tree parent hashes invalid.");
        }
    }
}
