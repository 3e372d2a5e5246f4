using Chorus.Mls.Codec;
using Chorus.Mls.Messages;
using Chorus.Mls.Tree;

namespace Chorus.Mls.Tests.Conformance;

/// <summary>These vectors use cipher suite 1; tree operations and SHA-256 tree hashes do not depend on the key algorithms.</summary>
public sealed class TreeOperationsVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("tree-operations");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ApplyProposal(int index)
    {
        var v = TestVectors.Load("tree-operations")[index];
        var tree = RatchetTree.Decode(v.Hex("tree_before"));
        Assert.Equal(v.Hex("tree_hash_before"), tree.RootHash());
        var proposal = Tls.Decode(v.Hex("proposal"), Proposal.Read);
        var sender = v.GetProperty("proposal_sender").GetUInt32();
        switch (proposal.Type)
        {
            case ProposalType.Add:
                tree.AddLeaf(proposal.KeyPackage!.LeafNode);
                break;
            case ProposalType.Remove:
                tree.RemoveLeaf(proposal.Removed);
                tree.Truncate();
                break;
            case ProposalType.Update:
                tree.UpdateLeaf(sender, proposal.LeafNode!);
                break;
            default:
                Assert.Fail($"Unexpected proposal type {proposal.Type}.");
                break;
        }

        Assert.Equal(v.Hex("tree_after"), Tls.Encode(tree));
        Assert.Equal(v.Hex("tree_hash_after"), tree.RootHash());
    }
}
