using System.Security.Cryptography;
using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.KeySchedule;
using Chorus.Mls.Messages;
using Chorus.Mls.Tree;

namespace Chorus.Mls.Group;

/// <summary>
/// One epoch of an MLS group as seen by one member. Epoch state never changes: <see cref="ProcessCommit(ReadOnlySpan{byte})"/> and
/// <see cref="CreateCommit"/> return the next epoch's group, so a rejected message leaves this one intact.
/// Only the pending proposal queue is mutable. Not thread-safe.
/// </summary>
public sealed partial class MlsGroup
{
    private readonly List<PendingProposal> _pending = [];
    private CommitOutput? _ownCommit;
    private byte[]? _ownCommitBytes;
    private readonly Dictionary<ulong, byte[]> _resumptionPsks;

    private MlsGroup(
        GroupContext context,
        RatchetTree tree,
        TreePrivateState privateState,
        EpochSecrets secrets,
        byte[] interimTranscriptHash,
        MlsIdentity identity,
        MlsGroupOptions options,
        IReadOnlyDictionary<ulong, byte[]>? previousResumptionPsks = null)
    {
        _resumptionPsks = previousResumptionPsks is null ? [] : new Dictionary<ulong, byte[]>(previousResumptionPsks.Where(p => p.Key + MaxResumptionEpochs > context.Epoch));
        _resumptionPsks[context.Epoch] = secrets.ResumptionPsk;
        Context = context;
        Tree = tree;
        PrivateState = privateState;
        Secrets = secrets;
        InterimTranscriptHash = interimTranscriptHash;
        Identity = identity;
        Options = options;
    }

    private const ulong MaxResumptionEpochs = 8;

    /// <summary>The GroupContext of this epoch (RFC 9420 §8.1).</summary>
    public GroupContext Context { get; }

    internal RatchetTree Tree { get; }

    internal TreePrivateState PrivateState { get; }

    internal EpochSecrets Secrets { get; }

    internal byte[] InterimTranscriptHash { get; }

    internal MlsIdentity Identity { get; }

    /// <summary>The policy this group validates with.</summary>
    public MlsGroupOptions Options { get; }

    /// <summary>The group id (for DAVE, derived from the voice channel).</summary>
    public byte[] GroupId => Context.GroupId;

    /// <summary>The epoch number; 0 at creation, one more per commit.</summary>
    public ulong Epoch => Context.Epoch;

    /// <summary>The epoch_authenticator secret (RFC 9420 §8.7): equal for every member in the same epoch, so it can be compared out of band.</summary>
    public byte[] EpochAuthenticator => Secrets.EpochAuthenticator;

    internal uint OwnLeafIndex => PrivateState.LeafIndex;

    /// <summary>Proposals received this epoch and not yet committed, in arrival order.</summary>
    public IReadOnlyList<PendingProposal> PendingProposals => _pending;

    /// <summary>The non-blank leaves of the tree: one entry per member.</summary>
    public IReadOnlyList<GroupMember> Members =>
        Tree.Leaves().Select(l => new GroupMember(l.LeafIndex, l.Leaf.Credential.UserId, l.Leaf.SignatureKey)).ToList();

    internal IReadOnlyList<ExternalSender> ExternalSenders
    {
        get
        {
            var extension = Context.Extensions.FirstOrDefault(e => e.Type == Extension.ExternalSenders);
            return extension is null ? [] : Tls.Decode(extension.Data, static (ref TlsReader r) => Tls.ReadList(ref r, ExternalSender.Read));
        }
    }

    /// <summary>MLS-Exporter(label, context, length) of RFC 9420 §8.5; DAVE derives its per-sender media keys with it. <paramref name="length"/> is in bytes.</summary>
    public byte[] Export(string label, ReadOnlySpan<byte> context, int length) => Secrets.Export(label, context, length);

    /// <summary>Creates a one-member group at epoch 0 from our key package (RFC 9420 §11).</summary>
    public static MlsGroup Create(byte[] groupId, KeyPackageBundle bundle, IEnumerable<Extension> extensions, MlsGroupOptions? options = null)
    {
        var tree = RatchetTree.WithSingleLeaf(bundle.KeyPackage.LeafNode);
        var context = new GroupContext
        {
            GroupId = groupId,
            Epoch = 0,
            TreeHash = tree.RootHash(),
            ConfirmedTranscriptHash = [],
            Extensions = extensions.ToList(),
        };
        var secrets = EpochSecrets.FromInitSecret(RandomNumberGenerator.GetBytes(CipherSuite.HashLength), [], context);
        var tag = CipherSuite.Mac(secrets.ConfirmationKey, context.ConfirmedTranscriptHash);
        return new MlsGroup(context, tree, new TreePrivateState(0, bundle.LeafKey), secrets, TranscriptHash.Interim([], tag), bundle.Identity, options ?? MlsGroupOptions.Dave);
    }

    // ---------------------------------------------------------------- proposals

    /// <summary>
    /// Validates a PublicMessage proposal (external sender from the group's external_senders, or a member) for the current
    /// epoch and queues it. <paramref name="isRecognizedUser"/> vets the user id of Add proposals. Returns its ProposalRef.
    /// </summary>
    public byte[] ProcessProposal(ReadOnlySpan<byte> mlsMessage, Func<ulong, bool>? isRecognizedUser = null) =>
        ProcessProposal(MlsMessage.Decode(mlsMessage), isRecognizedUser);

    internal byte[] ProcessProposal(MlsMessage message, Func<ulong, bool>? isRecognizedUser = null)
    {
        if (message.PublicMessage is not { } publicMessage)
        {
            throw new MlsUnsupportedException("Proposals must be PublicMessages.");
        }

        var content = publicMessage.Content;
        var framed = content.Content;
        if (framed.ContentType != ContentType.Proposal || framed.Proposal is not { } proposal)
        {
            throw new MlsException("Message is not a proposal.");
        }

        CheckGroupAndEpoch(framed);
        switch (framed.Sender.Type)
        {
            case SenderType.External:
                var senders = ExternalSenders;
                if (framed.Sender.Index >= senders.Count)
                {
                    throw new MlsException($"Unknown external sender index {framed.Sender.Index}.");
                }

                if (!content.VerifySignature(senders[(int)framed.Sender.Index].SignatureKey, null))
                {
                    throw new MlsException("External proposal signature invalid.");
                }

                if (proposal.Type is not (ProposalType.Add or ProposalType.Remove))
                {
                    throw new MlsUnsupportedException($"External proposal type {proposal.Type} not accepted.");
                }

                break;
            case SenderType.Member:
                var leaf = Tree.GetLeaf(framed.Sender.Index) ?? throw new MlsException("Proposal from a blank or unknown leaf.");
                if (!publicMessage.VerifyMembershipTag(Secrets.MembershipKey, Context))
                {
                    throw new MlsException("Proposal membership tag invalid.");
                }

                if (!content.VerifySignature(leaf.SignatureKey, Context))
                {
                    throw new MlsException("Proposal signature invalid.");
                }

                break;
            default:
                throw new MlsUnsupportedException($"Proposals from sender type {framed.Sender.Type} not accepted.");
        }

        ValidateProposal(proposal, framed.Sender, isRecognizedUser);
        var reference = content.ProposalReference();
        if (_pending.Any(p => p.Reference.AsSpan().SequenceEqual(reference)))
        {
            throw new MlsException("Duplicate proposal.");
        }

        _pending.Add(new PendingProposal(proposal, framed.Sender, reference));
        _ownCommit = null;
        _ownCommitBytes = null;
        return reference;
    }

    /// <summary>
    /// DAVE op 27 "append" body: <c>MLSMessage proposal_messages&lt;V&gt;</c>. All proposals are validated and queued, or
    /// none is (the queue is unchanged when any of them is rejected). Returns their ProposalRefs in order.
    /// </summary>
    public IReadOnlyList<byte[]> ProcessProposals(ReadOnlySpan<byte> proposalMessages, Func<ulong, bool>? isRecognizedUser = null)
    {
        var messages = Tls.Decode(proposalMessages, static (ref TlsReader r) => Tls.ReadList(ref r, MlsMessage.Read));
        if (messages.Count == 0)
        {
            throw new MlsException("Empty proposal batch.");
        }

        var before = _pending.Count;
        var references = new List<byte[]>();
        try
        {
            foreach (var message in messages)
            {
                references.Add(ProcessProposal(message, isRecognizedUser));
            }
        }
        catch
        {
            _pending.RemoveRange(before, _pending.Count - before);
            throw;
        }

        return references;
    }

    /// <summary>
    /// DAVE op 27 "revoke" body: <c>ProposalRef proposal_refs&lt;V&gt;</c> (each an opaque&lt;V&gt;). Every reference must be
    /// queued; otherwise nothing is revoked and an <see cref="MlsException"/> is thrown.
    /// </summary>
    public void RevokeProposals(ReadOnlySpan<byte> proposalRefs)
    {
        var references = Tls.Decode(proposalRefs, static (ref TlsReader r) => Tls.ReadList(ref r, static (ref TlsReader x) => x.ReadOpaqueArray()));
        if (references.Count == 0 || references.Any(reference => !_pending.Any(p => p.Reference.AsSpan().SequenceEqual(reference))))
        {
            throw new MlsException("Revoke names an unknown proposal.");
        }

        foreach (var reference in references)
        {
            RevokeProposal(reference);
        }
    }

    /// <summary>Removes a queued proposal by reference; false when unknown.</summary>
    public bool RevokeProposal(ReadOnlySpan<byte> reference)
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            if (_pending[i].Reference.AsSpan().SequenceEqual(reference))
            {
                _pending.RemoveAt(i);
                _ownCommit = null;
                _ownCommitBytes = null;
                return true;
            }
        }

        return false;
    }

    /// <summary>Drops every queued proposal and any commit of ours still waiting to be confirmed.</summary>
    public void ClearPendingProposals()
    {
        _pending.Clear();
        _ownCommit = null;
        _ownCommitBytes = null;
    }

    private byte[] ResolvePsk(PreSharedKeyId id)
    {
        if (id.PskType != 2)
        {
            return Options.ResolvePsk(id);
        }

        if (id.Usage != 1 || !id.PskGroupId.AsSpan().SequenceEqual(Context.GroupId))
        {
            throw new MlsUnsupportedException("Only application resumption PSKs of this group are supported.");
        }

        return _resumptionPsks.TryGetValue(id.PskEpoch, out var psk) ? psk : throw new MlsException($"No resumption PSK for epoch {id.PskEpoch}.");
    }

    private byte[] PskSecretFor(IReadOnlyList<PreSharedKeyId> ids) => PskSecret.Compute(ids.Select(id => (id, ResolvePsk(id))).ToList());

    private void CheckGroupAndEpoch(FramedContent framed)
    {
        if (!framed.GroupId.AsSpan().SequenceEqual(Context.GroupId))
        {
            throw new MlsException("Message for a different group.");
        }

        if (framed.Epoch != Context.Epoch)
        {
            throw new MlsException($"Message for epoch {framed.Epoch}, group is at {Context.Epoch}.");
        }
    }

    private void ValidateProposal(Proposal proposal, Sender sender, Func<ulong, bool>? isRecognizedUser)
    {
        switch (proposal.Type)
        {
            case ProposalType.Add:
                var keyPackage = proposal.KeyPackage!;
                keyPackage.Validate();
                if (isRecognizedUser is not null &&
                    (keyPackage.LeafNode.Credential.UserId is not { } userId || !isRecognizedUser(userId)))
                {
                    throw new MlsException("Add proposal for an unrecognized user.");
                }

                break;
            case ProposalType.Remove:
                if (Tree.GetLeaf(proposal.Removed) is null)
                {
                    throw new MlsException($"Remove proposal for blank leaf {proposal.Removed}.");
                }

                break;
            case ProposalType.Update:
                if (sender.Type != SenderType.Member)
                {
                    throw new MlsException("Update proposal from a non-member.");
                }

                if (proposal.LeafNode!.Source != LeafNodeSource.Update || !proposal.LeafNode.VerifySignature(Context.GroupId, sender.Index))
                {
                    throw new MlsException("Update proposal leaf node invalid.");
                }

                break;
            case ProposalType.GroupContextExtensions:
                break;
            case ProposalType.PreSharedKey:
                ResolvePsk(proposal.Psk!);
                break;
            default:
                throw new MlsUnsupportedException($"Proposal type {proposal.Type} is not supported.");
        }
    }
}
