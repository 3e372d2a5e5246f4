using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>PublicMessage { FramedContent; FramedContentAuthData; membership_tag when the sender is a member }.</summary>
public sealed class PublicMessage : ITlsWritable
{
    public required AuthenticatedContent Content { get; init; }

    public byte[]? MembershipTag { get; set; }

    public void Write(TlsWriter writer)
    {
        Content.Content.Write(writer);
        Content.WriteAuth(writer);
        if (Content.Content.Sender.Type == SenderType.Member)
        {
            writer.WriteOpaque(MembershipTag ?? throw new MlsException("Member PublicMessage without membership tag."));
        }
    }

    public static PublicMessage Read(ref TlsReader reader)
    {
        var content = new AuthenticatedContent { Content = FramedContent.Read(ref reader) };
        content.ReadAuth(ref reader);
        var message = new PublicMessage { Content = content };
        if (content.Content.Sender.Type == SenderType.Member)
        {
            message.MembershipTag = reader.ReadOpaqueArray();
        }

        return message;
    }

    public void SetMembershipTag(ReadOnlySpan<byte> membershipKey, GroupContext context) =>
        MembershipTag = CipherSuite.Mac(membershipKey, Content.ToBeMaced(context));

    public bool VerifyMembershipTag(ReadOnlySpan<byte> membershipKey, GroupContext context) =>
        MembershipTag is not null && CipherSuite.VerifyMac(membershipKey, Content.ToBeMaced(context), MembershipTag);
}
