using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>Welcome { CipherSuite; EncryptedGroupSecrets secrets&lt;V&gt;; opaque encrypted_group_info&lt;V&gt;; }.</summary>
public sealed class Welcome : ITlsWritable
{
    public ushort CipherSuiteId { get; init; } = CipherSuite.Id;

    public required List<EncryptedGroupSecrets> Secrets { get; init; }

    public required byte[] EncryptedGroupInfo { get; init; }

    public void Write(TlsWriter writer)
    {
        writer.WriteU16(CipherSuiteId);
        Tls.WriteList(writer, Secrets);
        writer.WriteOpaque(EncryptedGroupInfo);
    }

    public static Welcome Read(ref TlsReader reader) => new()
    {
        CipherSuiteId = reader.ReadU16(),
        Secrets = Tls.ReadList(ref reader, EncryptedGroupSecrets.Read),
        EncryptedGroupInfo = reader.ReadOpaqueArray(),
    };
}
