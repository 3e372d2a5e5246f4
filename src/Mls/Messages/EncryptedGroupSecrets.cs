using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>EncryptedGroupSecrets { KeyPackageRef new_member&lt;V&gt;; HPKECiphertext encrypted_group_secrets; }.</summary>
/// <param name="NewMember">The KeyPackageRef of the member the secrets are for.</param>
/// <param name="Secrets">The GroupSecrets, HPKE-encrypted to that KeyPackage's init key.</param>
public sealed record EncryptedGroupSecrets(byte[] NewMember, HpkeCiphertext Secrets) : ITlsWritable
{
    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(NewMember);
        Secrets.Write(writer);
    }

    /// <summary>Decodes one EncryptedGroupSecrets; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static EncryptedGroupSecrets Read(ref TlsReader reader) => new(reader.ReadOpaqueArray(), HpkeCiphertext.Read(ref reader));
}
