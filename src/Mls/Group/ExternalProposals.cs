using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Group;

/// <summary>Builds external-sender proposals as the DAVE delivery service (Discord's voice gateway) does (used by the emulator and tests).</summary>
public static class ExternalProposals
{
    /// <summary>Signed PublicMessage proposal from external sender <paramref name="senderIndex"/>; no membership tag, no GroupContext in the signature.</summary>
    public static (byte[] Message, byte[] Reference) Create(SignatureKeyPair signer, byte[] groupId, ulong epoch, Proposal proposal, uint senderIndex = 0)
    {
        var content = new AuthenticatedContent
        {
            Content = new FramedContent
            {
                GroupId = groupId,
                Epoch = epoch,
                Sender = Messages.Sender.External(senderIndex),
                ContentType = ContentType.Proposal,
                Proposal = proposal,
            },
        };
        content.Sign(signer, null);
        var message = MlsMessage.Public(new PublicMessage { Content = content });
        return (Tls.Encode(message), content.ProposalReference());
    }

    /// <summary>An external Add proposal for the encoded KeyPackage <paramref name="keyPackage"/>, as a PublicMessage MLSMessage with its ProposalRef.</summary>
    public static (byte[] Message, byte[] Reference) Add(SignatureKeyPair signer, byte[] groupId, ulong epoch, ReadOnlySpan<byte> keyPackage) =>
        Create(signer, groupId, epoch, Proposal.Add(Tls.Decode(keyPackage, KeyPackage.Read)));

    /// <summary>An external Remove proposal for leaf <paramref name="leafIndex"/>, as a PublicMessage MLSMessage with its ProposalRef.</summary>
    public static (byte[] Message, byte[] Reference) Remove(SignatureKeyPair signer, byte[] groupId, ulong epoch, uint leafIndex) =>
        Create(signer, groupId, epoch, Proposal.Remove(leafIndex));

    /// <summary>ExternalSender for <paramref name="signer"/> with a basic credential of arbitrary identity bytes.</summary>
    public static ExternalSender CreateSender(SignatureKeyPair signer, byte[] identity) =>
        new() { SignatureKey = signer.PublicKey, Credential = new Credential(Credential.Basic, identity) };
}
