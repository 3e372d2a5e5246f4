using System.Numerics;

namespace Chorus.Mls.Tree;

/// <summary>Array-representation tree math for complete binary trees (RFC 9420 Appendix C). Leaf i is node 2i.</summary>
internal static class TreeMath
{
    public static uint Level(uint x) => (uint)BitOperations.TrailingZeroCount(~x);

    public static uint NodeWidth(uint leaves) => leaves == 0 ? 0 : (2 * (leaves - 1)) + 1;

    public static uint Root(uint leaves)
    {
        var width = NodeWidth(leaves);
        return (1u << BitOperations.Log2(width)) - 1;
    }

    public static bool IsLeaf(uint x) => (x & 1) == 0;

    public static uint Left(uint x)
    {
        var k = Level(x);
        if (k == 0)
        {
            throw new MlsException("Leaf has no children.");
        }

        return x ^ (1u << (int)(k - 1));
    }

    public static uint Right(uint x)
    {
        var k = Level(x);
        if (k == 0)
        {
            throw new MlsException("Leaf has no children.");
        }

        return x ^ (3u << (int)(k - 1));
    }

    public static uint Parent(uint x, uint leaves)
    {
        if (x == Root(leaves))
        {
            throw new MlsException("Root has no parent.");
        }

        var k = (int)Level(x);
        var b = (x >> (k + 1)) & 1;
        return (x | (1u << k)) ^ (b << (k + 1));
    }

    public static uint Sibling(uint x, uint leaves)
    {
        var p = Parent(x, leaves);
        return x < p ? Right(p) : Left(p);
    }

    /// <summary>Ancestors of <paramref name="x"/> from its parent up to the root.</summary>
    public static List<uint> DirectPath(uint x, uint leaves)
    {
        var path = new List<uint>();
        var root = Root(leaves);
        while (x != root)
        {
            x = Parent(x, leaves);
            path.Add(x);
        }

        return path;
    }

    /// <summary>True when <paramref name="node"/> lies in the subtree rooted at <paramref name="ancestor"/>.</summary>
    public static bool IsInSubtree(uint node, uint ancestor)
    {
        var k = (int)Level(ancestor);
        var low = ancestor - ((1u << k) - 1);
        var high = ancestor + ((1u << k) - 1);
        return node >= low && node <= high;
    }

    public static uint LeafToNode(uint leaf) => 2 * leaf;

    public static uint NodeToLeaf(uint node) => node / 2;
}
