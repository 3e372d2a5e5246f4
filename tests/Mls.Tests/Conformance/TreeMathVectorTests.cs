using System.Text.Json;
using Chorus.Mls.Tree;

namespace Chorus.Mls.Tests.Conformance;

public sealed class TreeMathVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("tree-math");

    private static uint? Optional(JsonElement array, int i) =>
        array[i].ValueKind == JsonValueKind.Null ? null : array[i].GetUInt32();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches(int index)
    {
        var v = TestVectors.Load("tree-math")[index];
        var leaves = v.GetProperty("n_leaves").GetUInt32();
        var nodes = v.GetProperty("n_nodes").GetUInt32();
        Assert.Equal(nodes, TreeMath.NodeWidth(leaves));
        Assert.Equal(v.GetProperty("root").GetUInt32(), TreeMath.Root(leaves));
        for (uint x = 0; x < nodes; x++)
        {
            var i = (int)x;
            var isLeaf = TreeMath.IsLeaf(x);
            Assert.Equal(Optional(v.GetProperty("left"), i), isLeaf ? null : TreeMath.Left(x));
            Assert.Equal(Optional(v.GetProperty("right"), i), isLeaf ? null : TreeMath.Right(x));
            var isRoot = x == TreeMath.Root(leaves);
            Assert.Equal(Optional(v.GetProperty("parent"), i), isRoot ? null : TreeMath.Parent(x, leaves));
            Assert.Equal(Optional(v.GetProperty("sibling"), i), isRoot ? null : TreeMath.Sibling(x, leaves));
        }
    }
}
