using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.KeySchedule;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Conformance;

public sealed class TranscriptHashVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("transcript-hashes");

    [Theory]
    [MemberData(nameof(Cases))]
    public void HashesAndTagMatch(int index)
    {
        var v = TestVectors.Load("transcript-hashes")[index];
        var encoded = v.Hex("authenticated_content");
        var content = Tls.Decode(encoded, AuthenticatedContent.Read);
        Assert.Equal(encoded, Tls.Encode(content));
        Assert.Equal(ContentType.Commit, content.Content.ContentType);
        var confirmed = TranscriptHash.Confirmed(v.Hex("interim_transcript_hash_before"), content);
        Assert.Equal(v.Hex("confirmed_transcript_hash_after"), confirmed);
        Assert.True(CipherSuite.VerifyMac(v.Hex("confirmation_key"), confirmed, content.ConfirmationTag!));
        Assert.Equal(v.Hex("interim_transcript_hash_after"), TranscriptHash.Interim(confirmed, content.ConfirmationTag!));
    }
}
