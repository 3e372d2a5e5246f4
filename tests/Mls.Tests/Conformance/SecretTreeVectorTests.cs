using Chorus.Mls.KeySchedule;

namespace Chorus.Mls.Tests.Conformance;

public sealed class SecretTreeVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("secret-tree");

    [Theory]
    [MemberData(nameof(Cases))]
    public void RatchetsMatch(int index)
    {
        var v = TestVectors.Load("secret-tree")[index];
        var senderData = v.GetProperty("sender_data");
        var (key, nonce) = SecretTree.SenderDataKeyAndNonce(senderData.Hex("sender_data_secret"), senderData.Hex("ciphertext"));
        Assert.Equal(senderData.Hex("key"), key);
        Assert.Equal(senderData.Hex("nonce"), nonce);

        var leaves = v.GetProperty("leaves");
        var tree = new SecretTree(v.Hex("encryption_secret"), (uint)leaves.GetArrayLength());
        uint leaf = 0;
        foreach (var generations in leaves.EnumerateArray())
        {
            foreach (var g in generations.EnumerateArray())
            {
                var generation = g.GetProperty("generation").GetUInt32();
                var handshake = tree.RatchetKey(leaf, true, generation);
                var application = tree.RatchetKey(leaf, false, generation);
                Assert.Equal(g.Hex("handshake_key"), handshake.Key);
                Assert.Equal(g.Hex("handshake_nonce"), handshake.Nonce);
                Assert.Equal(g.Hex("application_key"), application.Key);
                Assert.Equal(g.Hex("application_nonce"), application.Nonce);
            }

            leaf++;
        }
    }
}
