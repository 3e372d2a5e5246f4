using Chorus.Mls.Codec;

namespace Chorus.Mls.Tree;

/// <summary>ParentNode { HPKEPublicKey encryption_key; opaque parent_hash&lt;V&gt;; uint32 unmerged_leaves&lt;V&gt;; }. Treated as immutable once in a tree.</summary>
internal sealed class ParentNode : ITlsWritable
{
    public required byte[] EncryptionKey { get; init; }

    public byte[] ParentHash { get; init; } = [];

    public List<uint> UnmergedLeaves { get; init; } = [];

    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteOpaque(ParentHash);
        writer.WriteVector(UnmergedLeaves, static (w, l) => w.WriteU32(l));
    }

    public static ParentNode Read(ref TlsReader reader)
    {
        var key = reader.ReadOpaqueArray();
        var parentHash = reader.ReadOpaqueArray();
        var body = reader.ReadVector();
        var unmerged = new List<uint>();
        while (!body.IsEmpty)
        {
            unmerged.Add(body.ReadU32());
        }

        return new ParentNode { EncryptionKey = key, ParentHash = parentHash, UnmergedLeaves = unmerged };
    }
}
