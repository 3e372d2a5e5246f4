using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>Welcome { CipherSuite; EncryptedGroupSecrets secrets&lt;V&gt;; opaque encrypted_group_info&lt;V&gt;; }.</summary>
public sealed class Welcome : ITlsWritable
{
    internal ushort CipherSuiteId { get; init; } = CipherSuite.Id;

    /// <summary>The group secrets, one entry per new member, encrypted to its KeyPackage's init key.</summary>
    public required List<EncryptedGroupSecrets> Secrets { get; init; }

    /// <summary>The GroupInfo, AEAD-encrypted with a key from the welcome secret.</summary>
    public required byte[] EncryptedGroupInfo { get; init; }

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteU16(CipherSuiteId);
        Tls.WriteList(writer, Secrets);
        writer.WriteOpaque(EncryptedGroupInfo);
    }

    /// <summary>Decodes one Welcome; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static Welcome Read(ref TlsReader reader) => new()
    {
        CipherSuiteId = reader.ReadU16(),
        Secrets = Tls.ReadList(ref reader, EncryptedGroupSecrets.Read),
        EncryptedGroupInfo = reader.ReadOpaqueArray(),
    };
}
