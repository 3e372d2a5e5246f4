using Chorus.Mls.KeySchedule;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Conformance;

public sealed class PskSecretVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("psk_secret");

    [Theory]
    [MemberData(nameof(Cases))]
    public void PskSecretMatches(int index)
    {
        var v = TestVectors.Load("psk_secret")[index];
        var psks = v.GetProperty("psks").EnumerateArray()
            .Select(p => (new PreSharedKeyId { PskType = 1, PskId = p.Hex("psk_id"), PskNonce = p.Hex("psk_nonce") }, p.Hex("psk")))
            .ToList();
        Assert.Equal(v.Hex("psk_secret"), PskSecret.Compute(psks));
    }
}
