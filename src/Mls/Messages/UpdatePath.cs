using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>UpdatePath { LeafNode leaf_node; UpdatePathNode nodes&lt;V&gt;; }.</summary>
public sealed class UpdatePath : ITlsWritable
{
    public required LeafNode LeafNode { get; init; }

    public required List<UpdatePathNode> Nodes { get; init; }

    public void Write(TlsWriter writer)
    {
        LeafNode.Write(writer);
        Tls.WriteList(writer, Nodes);
    }

    public static UpdatePath Read(ref TlsReader reader) => new()
    {
        LeafNode = LeafNode.Read(ref reader),
        Nodes = Tls.ReadList(ref reader, UpdatePathNode.Read),
    };
}
