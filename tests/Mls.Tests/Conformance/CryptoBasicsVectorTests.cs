using Chorus.Mls.Crypto;

namespace Chorus.Mls.Tests.Conformance;

public sealed class CryptoBasicsVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("crypto-basics");

    [Theory]
    [MemberData(nameof(Cases))]
    public void RefHash(int index)
    {
        var v = TestVectors.Load("crypto-basics")[index].GetProperty("ref_hash");
        Assert.Equal(v.Hex("out"), CipherSuite.RefHash(v.Str("label"), v.Hex("value")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExpandWithLabel(int index)
    {
        var v = TestVectors.Load("crypto-basics")[index].GetProperty("expand_with_label");
        Assert.Equal(v.Hex("out"), CipherSuite.ExpandWithLabel(v.Hex("secret"), v.Str("label"), v.Hex("context"), v.GetProperty("length").GetInt32()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DeriveSecret(int index)
    {
        var v = TestVectors.Load("crypto-basics")[index].GetProperty("derive_secret");
        Assert.Equal(v.Hex("out"), CipherSuite.DeriveSecret(v.Hex("secret"), v.Str("label")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DeriveTreeSecret(int index)
    {
        var v = TestVectors.Load("crypto-basics")[index].GetProperty("derive_tree_secret");
        Assert.Equal(v.Hex("out"), CipherSuite.DeriveTreeSecret(v.Hex("secret"), v.Str("label"), v.GetProperty("generation").GetUInt32(), v.GetProperty("length").GetInt32()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SignWithLabel(int index)
    {
        var v = TestVectors.Load("crypto-basics")[index].GetProperty("sign_with_label");
        var label = v.Str("label");
        var content = v.Hex("content");
        Assert.True(CipherSuite.VerifyWithLabel(v.Hex("pub"), label, content, v.Hex("signature")));
        using var key = SignatureKeyPair.FromPrivateKey(v.Hex("priv"));
        Assert.Equal(v.Hex("pub"), key.PublicKey);
        Assert.True(CipherSuite.VerifyWithLabel(v.Hex("pub"), label, content, CipherSuite.SignWithLabel(key, label, content)));
        Assert.False(CipherSuite.VerifyWithLabel(v.Hex("pub"), label + "x", content, v.Hex("signature")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncryptWithLabel(int index)
    {
        var v = TestVectors.Load("crypto-basics")[index].GetProperty("encrypt_with_label");
        using var key = HpkeKeyPair.FromPrivateKey(v.Hex("priv"));
        Assert.Equal(v.Hex("pub"), key.PublicKey);
        var label = v.Str("label");
        var context = v.Hex("context");
        Assert.Equal(v.Hex("plaintext"), CipherSuite.DecryptWithLabel(key, label, context, v.Hex("kem_output"), v.Hex("ciphertext")));
        var sealedNew = CipherSuite.EncryptWithLabel(key.PublicKey, label, context, v.Hex("plaintext"));
        Assert.Equal(v.Hex("plaintext"), CipherSuite.DecryptWithLabel(key, label, context, sealedNew.KemOutput, sealedNew.Ciphertext));
    }
}
