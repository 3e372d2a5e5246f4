using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>EncryptedGroupSecrets { KeyPackageRef new_member&lt;V&gt;; HPKECiphertext encrypted_group_secrets; }.</summary>
public sealed record EncryptedGroupSecrets(byte[] NewMember, HpkeCiphertext Secrets) : ITlsWritable
{
    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(NewMember);
        Secrets.Write(writer);
    }

    public static EncryptedGroupSecrets Read(ref TlsReader reader) => new(reader.ReadOpaqueArray(), HpkeCiphertext.Read(ref reader));
}

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
