using Chorus.Mls.Codec;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Group;

public sealed class KeyPackageTests
{
    [Fact]
    public void DaveKeyPackageHasTheExpectedProfile()
    {
        var bundle = KeyPackageBundle.Create(MlsIdentity.Generate(0x0123456789ABCDEF));
        var bytes = bundle.Encoded;
        Assert.Equal([0x00, 0x01, 0x00, 0x02], bytes[..4]);
        var parsed = Tls.Decode(bytes, KeyPackage.Read);
        parsed.Validate();
        var leaf = parsed.LeafNode;
        Assert.Equal(Credential.Basic, leaf.Credential.Type);
        Assert.Equal([0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF], leaf.Credential.Identity);
        Assert.Equal([(ushort)1], leaf.Capabilities.Versions);
        Assert.Equal([(ushort)2], leaf.Capabilities.CipherSuites);
        Assert.Empty(leaf.Capabilities.Extensions);
        Assert.Empty(leaf.Capabilities.Proposals);
        Assert.Equal([(ushort)1], leaf.Capabilities.Credentials);
        Assert.Equal(LeafNodeSource.KeyPackage, leaf.Source);
        Assert.Equal(0ul, leaf.NotBefore);
        Assert.Equal(ulong.MaxValue, leaf.NotAfter);
        Assert.Empty(leaf.Extensions);
        Assert.Empty(parsed.Extensions);
        Assert.Equal(65, parsed.InitKey.Length);
        Assert.NotEqual(parsed.InitKey, leaf.EncryptionKey);
        Assert.InRange(bytes.Length, 385, 400);
    }

    [Fact]
    public void EveryKeyPackageHasFreshKeys()
    {
        var identity = MlsIdentity.Generate(5);
        var a = KeyPackageBundle.Create(identity);
        var b = KeyPackageBundle.Create(identity);
        Assert.NotEqual(a.KeyPackage.InitKey, b.KeyPackage.InitKey);
        Assert.NotEqual(a.KeyPackage.LeafNode.EncryptionKey, b.KeyPackage.LeafNode.EncryptionKey);
        Assert.Equal(a.KeyPackage.LeafNode.SignatureKey, b.KeyPackage.LeafNode.SignatureKey);
    }

    [Fact]
    public void TamperedKeyPackageFailsValidation()
    {
        var bundle = KeyPackageBundle.Create(MlsIdentity.Generate(5));
        var bytes = bundle.Encoded.ToArray();
        bytes[20] ^= 0x01;
        Assert.ThrowsAny<MlsException>(() => Tls.Decode(bytes, KeyPackage.Read).Validate());
    }
}
