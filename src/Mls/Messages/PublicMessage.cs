using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>PublicMessage { FramedContent; FramedContentAuthData; membership_tag when the sender is a member }.</summary>
internal sealed class PublicMessage : ITlsWritable
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

    /// <summary>Signs and, for member senders, MACs <paramref name="content"/>; application data is refused (it must be a PrivateMessage).</summary>
    public static PublicMessage Protect(FramedContent content, SignatureKeyPair signer, GroupContext context, ReadOnlySpan<byte> membershipKey, byte[]? confirmationTag = null)
    {
        if (content.ContentType == ContentType.Application)
        {
            throw new MlsException("Application data cannot be sent as a PublicMessage.");
        }

        var authenticated = new AuthenticatedContent { Content = content, ConfirmationTag = confirmationTag };
        authenticated.Sign(signer, context);
        var message = new PublicMessage { Content = authenticated };
        if (content.Sender.Type == SenderType.Member)
        {
            message.SetMembershipTag(membershipKey, context);
        }

        return message;
    }

    /// <summary>Verifies membership tag (member senders) and signature against the sender's key.</summary>
    public bool Verify(ReadOnlySpan<byte> signatureKey, GroupContext context, ReadOnlySpan<byte> membershipKey) =>
        (Content.Content.Sender.Type != SenderType.Member || VerifyMembershipTag(membershipKey, context)) &&
        Content.VerifySignature(signatureKey, context);

    public void SetMembershipTag(ReadOnlySpan<byte> membershipKey, GroupContext context) =>
        MembershipTag = CipherSuite.Mac(membershipKey, Content.ToBeMaced(context));

    public bool VerifyMembershipTag(ReadOnlySpan<byte> membershipKey, GroupContext context) =>
        MembershipTag is not null && CipherSuite.VerifyMac(membershipKey, Content.ToBeMaced(context), MembershipTag);
}
