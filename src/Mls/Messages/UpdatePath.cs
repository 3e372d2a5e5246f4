using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>UpdatePathNode { HPKEPublicKey encryption_key; HPKECiphertext encrypted_path_secret&lt;V&gt;; }.</summary>
public sealed class UpdatePathNode : ITlsWritable
{
    public required byte[] EncryptionKey { get; init; }

    public required List<HpkeCiphertext> EncryptedPathSecrets { get; init; }

    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        Tls.WriteList(writer, EncryptedPathSecrets);
    }

    public static UpdatePathNode Read(ref TlsReader reader) => new()
    {
        EncryptionKey = reader.ReadOpaqueArray(),
        EncryptedPathSecrets = Tls.ReadList(ref reader, HpkeCiphertext.Read),
    };
}

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
