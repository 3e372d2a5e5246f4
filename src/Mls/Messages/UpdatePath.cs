using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>UpdatePath { LeafNode leaf_node; UpdatePathNode nodes&lt;V&gt;; }.</summary>
public sealed class UpdatePath : ITlsWritable
{
    /// <summary>The committer's new leaf node.</summary>
    public required LeafNode LeafNode { get; init; }

    /// <summary>One entry per node of the committer's filtered direct path, leaf to root.</summary>
    public required List<UpdatePathNode> Nodes { get; init; }

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        LeafNode.Write(writer);
        Tls.WriteList(writer, Nodes);
    }

    /// <summary>Decodes one UpdatePath; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static UpdatePath Read(ref TlsReader reader) => new()
    {
        LeafNode = LeafNode.Read(ref reader),
        Nodes = Tls.ReadList(ref reader, UpdatePathNode.Read),
    };
}
