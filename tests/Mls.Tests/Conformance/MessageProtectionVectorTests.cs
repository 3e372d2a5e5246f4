using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Conformance;

public sealed class MessageProtectionVectorTests
{
    public static TheoryData<int, string> Cases
    {
        get
        {
            var data = new TheoryData<int, string>();
            for (var i = 0; i < TestVectors.Load("message-protection").Length; i++)
            {
                foreach (var part in new[] { "proposal_pub", "commit_pub", "application_pub", "proposal_priv", "commit_priv", "application_priv" })
                {
                    data.Add(i, part);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Protection(int index, string part)
    {
        if (part.EndsWith("_priv", StringComparison.Ordinal))
        {
            Assert.Skip("PrivateMessage protection: DAVE sends handshake messages only as PublicMessage.");
        }

        var v = TestVectors.Load("message-protection")[index];
        var context = new GroupContext
        {
            GroupId = v.Hex("group_id"),
            Epoch = v.GetProperty("epoch").GetUInt64(),
            TreeHash = v.Hex("tree_hash"),
            ConfirmedTranscriptHash = v.Hex("confirmed_transcript_hash"),
        };
        var membershipKey = v.Hex("membership_key");
        var signaturePub = v.Hex("signature_pub");
        using var signer = SignatureKeyPair.FromPrivateKey(v.Hex("signature_priv"));

        FramedContent Framed(ContentType type, byte[] raw) => new()
        {
            GroupId = context.GroupId,
            Epoch = context.Epoch,
            Sender = Sender.Member(1),
            ContentType = type,
            ApplicationData = type == ContentType.Application ? raw : [],
            Proposal = type == ContentType.Proposal ? Tls.Decode(raw, Proposal.Read) : null,
            Commit = type == ContentType.Commit ? Tls.Decode(raw, Commit.Read) : null,
        };

        switch (part)
        {
            case "proposal_pub":
            case "commit_pub":
                {
                    var kind = part == "proposal_pub" ? "proposal" : "commit";
                    var message = MlsMessage.Decode(v.Hex(part));
                    var pub = message.PublicMessage!;
                    Assert.True(pub.Verify(signaturePub, context, membershipKey));
                    Assert.Equal(Sender.Member(1), pub.Content.Content.Sender);
                    var raw = kind == "proposal" ? Tls.Encode(pub.Content.Content.Proposal!) : Tls.Encode(pub.Content.Content.Commit!);
                    Assert.Equal(v.Hex(kind), raw);
                    Assert.False(pub.Verify(signaturePub, context.With(epoch: context.Epoch + 1), membershipKey));

                    var type = kind == "proposal" ? ContentType.Proposal : ContentType.Commit;
                    var tag = type == ContentType.Commit ? new byte[CipherSuite.HashLength] : null;
                    var mine = PublicMessage.Protect(Framed(type, v.Hex(kind)), signer, context, membershipKey, tag);
                    var reparsed = MlsMessage.Decode(Tls.Encode(MlsMessage.Public(mine))).PublicMessage!;
                    Assert.True(reparsed.Verify(signaturePub, context, membershipKey));
                    break;
                }

            case "application_pub":
                Assert.Throws<MlsException>(() => PublicMessage.Protect(Framed(ContentType.Application, v.Hex("application")), signer, context, membershipKey));
                break;
        }
    }
}
