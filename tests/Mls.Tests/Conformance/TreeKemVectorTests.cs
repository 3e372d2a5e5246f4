using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;
using Chorus.Mls.Tree;

namespace Chorus.Mls.Tests.Conformance;

public sealed class TreeKemVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("treekem");

    [Theory]
    [MemberData(nameof(Cases))]
    public void UpdatePaths(int index)
    {
        var v = TestVectors.Load("treekem")[index];
        var groupId = v.Hex("group_id");
        var epoch = v.GetProperty("epoch").GetUInt64();
        var confirmed = v.Hex("confirmed_transcript_hash");
        var tree = RatchetTree.Decode(v.Hex("ratchet_tree"));
        GroupContext ContextFor(byte[] treeHash) => new() { GroupId = groupId, Epoch = epoch, TreeHash = treeHash, ConfirmedTranscriptHash = confirmed };

        var privates = new Dictionary<uint, (TreePrivateState State, byte[] SignaturePriv)>();
        foreach (var p in v.GetProperty("leaves_private").EnumerateArray())
        {
            var leaf = p.GetProperty("index").GetUInt32();
            var state = new TreePrivateState(leaf, HpkeKeyPair.FromPrivateKey(p.Hex("encryption_priv")));
            Assert.Equal(tree.GetLeaf(leaf)!.EncryptionKey, state.LeafKey.PublicKey);
            foreach (var ps in p.GetProperty("path_secrets").EnumerateArray())
            {
                var node = ps.GetProperty("node").GetUInt32();
                var key = Hpke.DeriveKeyPair(CipherSuite.DeriveSecret(ps.Hex("path_secret"), "node"));
                Assert.Equal(tree[node]!.EncryptionKey, key.PublicKey);
                state.SetKey(node, key);
            }

            privates[leaf] = (state, p.Hex("signature_priv"));
        }

        foreach (var u in v.GetProperty("update_paths").EnumerateArray())
        {
            var sender = u.GetProperty("sender").GetUInt32();
            var path = Tls.Decode(u.Hex("update_path"), UpdatePath.Read);
            var merged = tree.Clone();
            var (filtered, resolutions) = TreeKem.MergeReceivedPath(merged, sender, path, groupId, []);
            Assert.Equal(u.Hex("tree_hash_after"), merged.RootHash());
            var context = Tls.Encode(ContextFor(merged.RootHash()));
            var expectedSecrets = u.GetProperty("path_secrets");
            foreach (var (leaf, (state, _)) in privates)
            {
                if (leaf == sender)
                {
                    continue;
                }

                var (pathSecret, commitSecret) = TreeKem.DecryptPath(merged, state.Clone(), path, filtered, resolutions, context);
                Assert.Equal(Convert.FromHexString(expectedSecrets[(int)leaf].GetString()!), pathSecret);
                Assert.Equal(u.Hex("commit_secret"), commitSecret);
            }

            using var signer = SignatureKeyPair.FromPrivateKey(privates[sender].SignaturePriv);
            var created = TreeKem.CreatePath(tree.Clone(), sender, tree.GetLeaf(sender)!, signer, groupId, [], ContextFor);
            var receivedTree = tree.Clone();
            var (newFiltered, newResolutions) = TreeKem.MergeReceivedPath(receivedTree, sender, created.Path, groupId, []);
            var newContext = Tls.Encode(ContextFor(receivedTree.RootHash()));
            foreach (var (leaf, (state, _)) in privates)
            {
                if (leaf != sender)
                {
                    Assert.Equal(created.CommitSecret, TreeKem.DecryptPath(receivedTree, state.Clone(), created.Path, newFiltered, newResolutions, newContext).CommitSecret);
                }
            }
        }
    }
}
