using System.Security.Cryptography;
using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tree;

/// <summary>Creating and processing UpdatePaths (RFC 9420 §7.4-7.6, §7.9).</summary>
internal static class TreeKem
{
    /// <summary>Result of generating an UpdatePath: what to send, the commit secret, and per filtered-path node the path secret.</summary>
    internal sealed record CreatedPath(UpdatePath Path, byte[] CommitSecret, List<(uint Node, byte[] PathSecret)> PathSecrets, TreePrivateState PrivateState);

    /// <summary>Sets new parent keys on the filtered direct path and computes parent hashes top-down; returns the leaf's parent hash.</summary>
    private static byte[] MergePublicPath(RatchetTree tree, uint leafIndex, List<(uint Node, uint CopathChild)> filtered, IReadOnlyList<byte[]> publicKeys)
    {
        tree.BlankDirectPath(leafIndex);
        byte[] parentHash = [];
        for (var i = filtered.Count - 1; i >= 0; i--)
        {
            tree.SetNode(filtered[i].Node, TreeNode.FromParent(new ParentNode { EncryptionKey = publicKeys[i], ParentHash = parentHash }));
            parentHash = tree.ParentHashOf(filtered[i].Node, filtered[i].CopathChild);
        }

        return parentHash;
    }

    /// <summary>
    /// Generates a fresh leaf key and path for <paramref name="leafIndex"/>, merges it into <paramref name="tree"/> and encrypts the
    /// path secrets under the provisional group context built by <paramref name="contextForTreeHash"/>.
    /// </summary>
    public static CreatedPath CreatePath(
        RatchetTree tree,
        uint leafIndex,
        LeafNode currentLeaf,
        SignatureKeyPair signer,
        byte[] groupId,
        IReadOnlyCollection<uint> newLeaves,
        Func<byte[], GroupContext> contextForTreeHash)
    {
        var filtered = tree.FilteredDirectPath(leafIndex);
        var leafKey = HpkeKeyPair.Generate();
        var privateState = new TreePrivateState(leafIndex, leafKey);
        var pathSecrets = new List<(uint, byte[])>();
        var publicKeys = new List<byte[]>();
        var secret = RandomNumberGenerator.GetBytes(CipherSuite.HashLength);
        foreach (var (node, _) in filtered)
        {
            pathSecrets.Add((node, secret));
            var key = Hpke.DeriveKeyPair(CipherSuite.DeriveSecret(secret, "node"));
            privateState.SetKey(node, key);
            publicKeys.Add(key.PublicKey);
            secret = CipherSuite.DeriveSecret(secret, "path");
        }

        var copathResolutions = filtered.Select(f => ResolutionExcluding(tree, f.CopathChild, newLeaves)).ToList();
        var leafParentHash = MergePublicPath(tree, leafIndex, filtered, publicKeys);
        var leaf = new LeafNode
        {
            EncryptionKey = leafKey.PublicKey,
            SignatureKey = currentLeaf.SignatureKey,
            Credential = currentLeaf.Credential,
            Capabilities = currentLeaf.Capabilities,
            Source = LeafNodeSource.Commit,
            ParentHash = leafParentHash,
            Extensions = currentLeaf.Extensions,
        };
        leaf.Sign(signer, groupId, leafIndex);
        tree.SetLeaf(leafIndex, leaf);

        var context = Tls.Encode(contextForTreeHash(tree.RootHash()));
        var nodes = new List<UpdatePathNode>();
        for (var i = 0; i < filtered.Count; i++)
        {
            var ciphertexts = new List<HpkeCiphertext>();
            foreach (var target in copathResolutions[i])
            {
                ciphertexts.Add(CipherSuite.EncryptWithLabel(tree[target]!.EncryptionKey, "UpdatePathNode", context, pathSecrets[i].Item2));
            }

            nodes.Add(new UpdatePathNode { EncryptionKey = publicKeys[i], EncryptedPathSecrets = ciphertexts });
        }

        return new CreatedPath(new UpdatePath { LeafNode = leaf, Nodes = nodes }, secret, pathSecrets, privateState);
    }

    private static List<uint> ResolutionExcluding(RatchetTree tree, uint node, IReadOnlyCollection<uint> excludedLeaves) =>
        tree.Resolution(node).Where(n => !(TreeMath.IsLeaf(n) && excludedLeaves.Contains(TreeMath.NodeToLeaf(n)))).ToList();

    /// <summary>
    /// Validates and merges a received UpdatePath into <paramref name="tree"/>; returns the filtered direct path and, per
    /// node, the copath resolution (minus new leaves) that the ciphertexts are addressed to.
    /// </summary>
    public static (List<(uint Node, uint CopathChild)> Filtered, List<List<uint>> Resolutions) MergeReceivedPath(
        RatchetTree tree, uint senderLeaf, UpdatePath path, byte[] groupId, IReadOnlyCollection<uint> newLeaves)
    {
        var filtered = tree.FilteredDirectPath(senderLeaf);
        if (path.Nodes.Count != filtered.Count)
        {
            throw new MlsException($"UpdatePath has {path.Nodes.Count} nodes, filtered direct path has {filtered.Count}.");
        }

        var resolutions = filtered.Select(f => ResolutionExcluding(tree, f.CopathChild, newLeaves)).ToList();
        for (var i = 0; i < filtered.Count; i++)
        {
            if (path.Nodes[i].EncryptedPathSecrets.Count != resolutions[i].Count)
            {
                throw new MlsException("UpdatePath ciphertext count does not match the copath resolution.");
            }
        }

        var leaf = path.LeafNode;
        if (leaf.Source != LeafNodeSource.Commit)
        {
            throw new MlsException("UpdatePath leaf node source must be commit.");
        }

        if (!leaf.VerifySignature(groupId, senderLeaf))
        {
            throw new MlsException("UpdatePath leaf node signature invalid.");
        }

        var expectedParentHash = MergePublicPath(tree, senderLeaf, filtered, path.Nodes.Select(n => n.EncryptionKey).ToList());
        if (!expectedParentHash.AsSpan().SequenceEqual(leaf.ParentHash))
        {
            throw new MlsException("UpdatePath leaf parent hash invalid.");
        }

        tree.SetLeaf(senderLeaf, leaf);
        return (filtered, resolutions);
    }

    /// <summary>Decrypts our path secret from a merged UpdatePath and installs the derived keys; returns it and the commit secret.</summary>
    public static (byte[] PathSecret, byte[] CommitSecret) DecryptPath(
        RatchetTree tree,
        TreePrivateState privateState,
        UpdatePath path,
        List<(uint Node, uint CopathChild)> filtered,
        List<List<uint>> resolutions,
        ReadOnlySpan<byte> provisionalContext)
    {
        var ownNode = TreeMath.LeafToNode(privateState.LeafIndex);
        for (var i = 0; i < filtered.Count; i++)
        {
            if (!TreeMath.IsInSubtree(ownNode, filtered[i].CopathChild))
            {
                continue;
            }

            for (var j = 0; j < resolutions[i].Count; j++)
            {
                if (privateState.TryGetKey(resolutions[i][j], out var key))
                {
                    var ct = path.Nodes[i].EncryptedPathSecrets[j];
                    var secret = CipherSuite.DecryptWithLabel(key, "UpdatePathNode", provisionalContext, ct.KemOutput, ct.Ciphertext);
                    return (secret, privateState.ImplantPathSecret(tree, filtered[i].Node, secret, filtered.Select(f => f.Node).ToList()));
                }
            }

            throw new MlsException("No private key for any node in the copath resolution.");
        }

        throw new MlsException("Own leaf not below the committer's filtered direct path.");
    }
}
