using Chorus.Mls.Codec;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tree;

/// <summary>Node { NodeType node_type; leaf: LeafNode | parent: ParentNode }.</summary>
internal sealed class TreeNode : ITlsWritable
{
    private TreeNode(LeafNode? leaf, ParentNode? parent)
    {
        Leaf = leaf;
        Parent = parent;
    }

    public LeafNode? Leaf { get; }

    public ParentNode? Parent { get; }

    public byte[] EncryptionKey => Leaf?.EncryptionKey ?? Parent!.EncryptionKey;

    public byte[] ParentHash => Leaf?.ParentHash ?? Parent!.ParentHash;

    public static TreeNode FromLeaf(LeafNode leaf) => new(leaf, null);

    public static TreeNode FromParent(ParentNode parent) => new(null, parent);

    public void Write(TlsWriter writer)
    {
        if (Leaf is not null)
        {
            writer.WriteU8(1);
            Leaf.Write(writer);
        }
        else
        {
            writer.WriteU8(2);
            Parent!.Write(writer);
        }
    }

    public static TreeNode Read(ref TlsReader reader)
    {
        var type = reader.ReadU8();
        return type switch
        {
            1 => FromLeaf(LeafNode.Read(ref reader)),
            2 => FromParent(ParentNode.Read(ref reader)),
            _ => throw new MlsDecodeException($"Invalid node type {type}."),
        };
    }
}
