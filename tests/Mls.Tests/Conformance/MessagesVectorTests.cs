using Chorus.Mls.Codec;
using Chorus.Mls.Messages;
using Chorus.Mls.Tree;

namespace Chorus.Mls.Tests.Conformance;

public sealed class MessagesVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("messages");

    private static void RoundTrip<T>(byte[] data, Tls.ReadFunc<T> read)
        where T : ITlsWritable
    {
        var value = Tls.Decode(data, read);
        Assert.Equal(Convert.ToHexString(data), Convert.ToHexString(Tls.Encode(value)));
    }

    private static void ProposalBody(byte[] data, ProposalType type)
    {
        var reader = new TlsReader(data);
        var proposal = Proposal.ReadBody(ref reader, type);
        reader.EnsureEnd();
        var writer = new TlsWriter();
        proposal.WriteBody(writer);
        Assert.Equal(Convert.ToHexString(data), Convert.ToHexString(writer.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryMessageRoundTrips(int index)
    {
        var v = TestVectors.Load("messages")[index];
        foreach (var field in new[] { "mls_welcome", "mls_group_info", "mls_key_package", "public_message_application", "public_message_proposal", "public_message_commit", "private_message" })
        {
            RoundTrip(v.Hex(field), MlsMessage.Read);
        }

        Assert.Equal(WireFormat.Welcome, MlsMessage.Decode(v.Hex("mls_welcome")).WireFormat);
        Assert.Equal(WireFormat.GroupInfo, MlsMessage.Decode(v.Hex("mls_group_info")).WireFormat);
        Assert.Equal(WireFormat.KeyPackage, MlsMessage.Decode(v.Hex("mls_key_package")).WireFormat);
        Assert.Equal(WireFormat.PrivateMessage, MlsMessage.Decode(v.Hex("private_message")).WireFormat);
        RoundTrip(v.Hex("ratchet_tree"), RatchetTree.Read);
        RoundTrip(v.Hex("group_secrets"), GroupSecrets.Read);
        RoundTrip(v.Hex("commit"), Commit.Read);
        ProposalBody(v.Hex("add_proposal"), ProposalType.Add);
        ProposalBody(v.Hex("update_proposal"), ProposalType.Update);
        ProposalBody(v.Hex("remove_proposal"), ProposalType.Remove);
        ProposalBody(v.Hex("pre_shared_key_proposal"), ProposalType.PreSharedKey);
        ProposalBody(v.Hex("re_init_proposal"), ProposalType.ReInit);
        ProposalBody(v.Hex("external_init_proposal"), ProposalType.ExternalInit);
        ProposalBody(v.Hex("group_context_extensions_proposal"), ProposalType.GroupContextExtensions);
    }
}
