using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>UpdatePathNode { HPKEPublicKey encryption_key; HPKECiphertext encrypted_path_secret&lt;V&gt;; }.</summary>
public sealed class UpdatePathNode : ITlsWritable
{
    /// <summary>The node's new HPKE public key.</summary>
    public required byte[] EncryptionKey { get; init; }

    /// <summary>The node's path secret, encrypted once to each node of the copath child's resolution.</summary>
    public required List<HpkeCiphertext> EncryptedPathSecrets { get; init; }

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        Tls.WriteList(writer, EncryptedPathSecrets);
    }

    /// <summary>Decodes one UpdatePathNode; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static UpdatePathNode Read(ref TlsReader reader) => new()
    {
        EncryptionKey = reader.ReadOpaqueArray(),
        EncryptedPathSecrets = Tls.ReadList(ref reader, HpkeCiphertext.Read),
    };
}
