using Chorus.Mls.Tree;

namespace Chorus.Mls.Tests.Conformance;

public sealed class TreeValidationVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("tree-validation");

    [Theory]
    [MemberData(nameof(Cases))]
    public void TreeIsValid(int index)
    {
        var v = TestVectors.Load("tree-validation")[index];
        var tree = RatchetTree.Decode(v.Hex("tree"));
        var resolutions = v.GetProperty("resolutions");
        var hashes = v.GetProperty("tree_hashes");
        Assert.Equal((int)tree.NodeCount, resolutions.GetArrayLength());
        for (uint i = 0; i < tree.NodeCount; i++)
        {
            var expected = resolutions[(int)i].EnumerateArray().Select(e => e.GetUInt32()).ToList();
            Assert.Equal(expected, tree.Resolution(i));
            Assert.Equal(Convert.FromHexString(hashes[(int)i].GetString()!), tree.TreeHash(i));
        }

        Assert.True(tree.VerifyParentHashes());
        tree.Validate(v.Hex("group_id"));
        Assert.Throws<MlsException>(() => tree.Validate([0x00]));
    }
}
