using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.KeySchedule;
using Chorus.Mls.Messages;
using Chorus.Mls.Tree;

namespace Chorus.Mls.Group;

public sealed partial class MlsGroup
{
    private static readonly byte[] ZeroCommitSecret = new byte[CipherSuite.HashLength];

    private sealed record AppliedProposals(RatchetTree Tree, List<uint> NewLeaves, List<KeyPackage> Added, List<Extension> Extensions, bool PathRequired, byte[] PskSecret);

    /// <summary>Applies proposals in RFC 9420 §12.3 order (GroupContextExtensions, Update, Remove, Add) to a copy of the tree.</summary>
    private AppliedProposals ApplyProposals(IReadOnlyList<(Proposal Proposal, Sender Sender)> proposals, uint committer)
    {
        var tree = Tree.Clone();
        var extensions = Context.Extensions;
        var pathRequired = proposals.Count == 0;
        var touched = new HashSet<uint>();
        var gceSeen = false;
        foreach (var (proposal, _) in proposals)
        {
            if (proposal.Type is not (ProposalType.Add or ProposalType.PreSharedKey))
            {
                pathRequired = true;
            }

            if (proposal.Type is ProposalType.ReInit or ProposalType.ExternalInit)
            {
                throw new MlsUnsupportedException($"Commits with {proposal.Type} proposals are not supported.");
            }

            if (proposal.Type == ProposalType.GroupContextExtensions)
            {
                if (gceSeen)
                {
                    throw new MlsException("More than one GroupContextExtensions proposal.");
                }

                gceSeen = true;
                extensions = proposal.Extensions;
            }
        }

        foreach (var (proposal, sender) in proposals.Where(p => p.Proposal.Type == ProposalType.Update))
        {
            if (sender.Type != SenderType.Member || sender.Index == committer || !touched.Add(sender.Index))
            {
                throw new MlsException("Invalid Update proposal in commit.");
            }

            tree.UpdateLeaf(sender.Index, proposal.LeafNode!);
        }

        foreach (var (proposal, _) in proposals.Where(p => p.Proposal.Type == ProposalType.Remove))
        {
            if (proposal.Removed == committer || !touched.Add(proposal.Removed))
            {
                throw new MlsException("Invalid Remove proposal in commit.");
            }

            tree.RemoveLeaf(proposal.Removed);
        }

        tree.Truncate();
        var newLeaves = new List<uint>();
        var added = new List<KeyPackage>();
        foreach (var (proposal, _) in proposals.Where(p => p.Proposal.Type == ProposalType.Add))
        {
            var keyPackage = proposal.KeyPackage!;
            keyPackage.Validate();
            var leaf = keyPackage.LeafNode;
            foreach (var (_, existing) in tree.Leaves())
            {
                if (existing.SignatureKey.AsSpan().SequenceEqual(leaf.SignatureKey) ||
                    existing.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey) ||
                    (existing.Credential.UserId is { } a && leaf.Credential.UserId == a))
                {
                    throw new MlsException("Added member duplicates an existing member's key or identity.");
                }
            }

            newLeaves.Add(tree.AddLeaf(leaf));
            added.Add(keyPackage);
        }

        var pskSecret = PskSecretFor(proposals.Where(p => p.Proposal.Type == ProposalType.PreSharedKey).Select(p => p.Proposal.Psk!).ToList());
        return new AppliedProposals(tree, newLeaves, added, extensions, pathRequired, pskSecret);
    }

    private GroupContext ProvisionalContext(byte[] treeHash, List<Extension> extensions) =>
        Context.With(epoch: Context.Epoch + 1, treeHash: treeHash, extensions: extensions);

    /// <summary>
    /// Commits all queued proposals by reference (with an UpdatePath when required, or always if the options say so)
    /// and builds the Welcome for added members with the ratchet tree inline.
    /// </summary>
    public CommitOutput CreateCommit()
    {
        if (_pending.Count == 0)
        {
            throw new MlsException("No pending proposals to commit.");
        }

        var proposals = _pending.Select(p => (p.Proposal, p.Sender)).ToList();
        var applied = ApplyProposals(proposals, OwnLeafIndex);
        var tree = applied.Tree;
        var privateState = PrivateState.Clone();
        privateState.Prune(tree);
        var commitSecret = ZeroCommitSecret;
        TreeKem.CreatedPath? created = null;
        if (applied.PathRequired || Options.AlwaysIncludePath)
        {
            created = TreeKem.CreatePath(
                tree,
                OwnLeafIndex,
                tree.GetLeaf(OwnLeafIndex)!,
                Identity.SignatureKey,
                Context.GroupId,
                applied.NewLeaves,
                treeHash => ProvisionalContext(treeHash, applied.Extensions));
            commitSecret = created.CommitSecret;
            privateState = created.PrivateState;
        }

        var commit = new Commit
        {
            Proposals = _pending.Select(p => new ProposalOrRef { Reference = p.Reference }).ToList(),
            Path = created?.Path,
        };
        var content = new AuthenticatedContent
        {
            Content = new FramedContent
            {
                GroupId = Context.GroupId,
                Epoch = Context.Epoch,
                Sender = Sender.Member(OwnLeafIndex),
                ContentType = ContentType.Commit,
                Commit = commit,
            },
        };
        content.Sign(Identity.SignatureKey, Context);

        var confirmed = TranscriptHash.Confirmed(InterimTranscriptHash, content);
        var nextContext = ProvisionalContext(tree.RootHash(), applied.Extensions).With(confirmedTranscriptHash: confirmed);
        var nextSecrets = EpochSecrets.FromInitSecret(Secrets.InitSecret, commitSecret, nextContext, applied.PskSecret);
        var tag = CipherSuite.Mac(nextSecrets.ConfirmationKey, confirmed);
        content.ConfirmationTag = tag;
        var message = new PublicMessage { Content = content };
        message.SetMembershipTag(Secrets.MembershipKey, Context);
        var commitBytes = Tls.Encode(MlsMessage.Public(message));

        var next = new MlsGroup(nextContext, tree, privateState, nextSecrets, TranscriptHash.Interim(confirmed, tag), Identity, Options, _resumptionPsks);
        byte[]? welcome = null;
        if (applied.Added.Count > 0)
        {
            welcome = Tls.Encode(next.BuildWelcome(tag, applied.Added, applied.NewLeaves, created));
        }

        var output = new CommitOutput(commitBytes, welcome, next);
        _ownCommit = output;
        _ownCommitBytes = commitBytes;
        return output;
    }

    private Welcome BuildWelcome(byte[] confirmationTag, List<KeyPackage> added, List<uint> newLeaves, TreeKem.CreatedPath? path)
    {
        var groupInfo = new GroupInfo
        {
            GroupContext = Context,
            Extensions = [new Extension(Extension.RatchetTree, Tls.Encode(Tree))],
            ConfirmationTag = confirmationTag,
            Signer = OwnLeafIndex,
        };
        groupInfo.Sign(Identity.SignatureKey);
        var (key, nonce) = EpochSecrets.WelcomeKeyAndNonce(Secrets.WelcomeSecret);
        var encryptedGroupInfo = CipherSuite.AeadSeal(key, nonce, [], Tls.Encode(groupInfo));
        var secrets = new List<EncryptedGroupSecrets>();
        for (var i = 0; i < added.Count; i++)
        {
            byte[]? pathSecret = null;
            if (path is not null)
            {
                var newNode = TreeMath.LeafToNode(newLeaves[i]);
                pathSecret = path.PathSecrets.First(p => TreeMath.IsInSubtree(newNode, p.Node)).PathSecret;
            }

            var groupSecrets = new GroupSecrets { JoinerSecret = Secrets.JoinerSecret, PathSecret = pathSecret };
            var ciphertext = CipherSuite.EncryptWithLabel(added[i].InitKey, "Welcome", encryptedGroupInfo, Tls.Encode(groupSecrets));
            secrets.Add(new EncryptedGroupSecrets(added[i].Reference(), ciphertext));
        }

        return new Welcome { Secrets = secrets, EncryptedGroupInfo = encryptedGroupInfo };
    }

    /// <summary>
    /// Processes a commit MLSMessage for the current epoch and returns the next epoch. Our own last commit is recognised
    /// by its bytes and adopts the state cached by <see cref="CreateCommit"/>.
    /// </summary>
    public MlsGroup ProcessCommit(ReadOnlySpan<byte> mlsMessage)
    {
        if (_ownCommit is not null && _ownCommitBytes is not null && mlsMessage.SequenceEqual(_ownCommitBytes))
        {
            return _ownCommit.NextEpoch;
        }

        return ProcessCommit(MlsMessage.Decode(mlsMessage));
    }

    /// <summary>Validates and applies a decoded commit (a PublicMessage from a member or external sender); returns the next epoch's group. Throws <see cref="MlsException"/> when the commit is invalid, leaving this group unchanged.</summary>
    public MlsGroup ProcessCommit(MlsMessage message)
    {
        if (message.PublicMessage is not { } publicMessage)
        {
            throw new MlsUnsupportedException("Only PublicMessage commits are supported.");
        }

        var content = publicMessage.Content;
        var framed = content.Content;
        if (framed.ContentType != ContentType.Commit || framed.Commit is not { } commit)
        {
            throw new MlsException("Message is not a commit.");
        }

        CheckGroupAndEpoch(framed);
        if (framed.Sender.Type != SenderType.Member)
        {
            throw new MlsUnsupportedException($"Commits from sender type {framed.Sender.Type} are not supported.");
        }

        var committer = framed.Sender.Index;
        if (committer == OwnLeafIndex)
        {
            throw new MlsException("Commit claims to be ours but does not match the commit we created.");
        }

        var committerLeaf = Tree.GetLeaf(committer) ?? throw new MlsException("Commit from a blank or unknown leaf.");
        if (!publicMessage.VerifyMembershipTag(Secrets.MembershipKey, Context))
        {
            throw new MlsException("Commit membership tag invalid.");
        }

        if (!content.VerifySignature(committerLeaf.SignatureKey, Context))
        {
            throw new MlsException("Commit signature invalid.");
        }

        var proposals = new List<(Proposal, Sender)>();
        var usedRefs = new HashSet<string>();
        foreach (var item in commit.Proposals)
        {
            if (item.Reference is { } reference)
            {
                var pending = _pending.FirstOrDefault(p => p.Reference.AsSpan().SequenceEqual(reference))
                    ?? throw new MlsException("Commit references an unknown proposal.");
                if (!usedRefs.Add(Convert.ToHexString(reference)))
                {
                    throw new MlsException("Commit references a proposal twice.");
                }

                proposals.Add((pending.Proposal, pending.Sender));
            }
            else
            {
                if (!Options.AllowInlineProposals)
                {
                    throw new MlsException("Inline proposals are not accepted.");
                }

                ValidateProposal(item.Proposal!, framed.Sender, null);
                proposals.Add((item.Proposal!, framed.Sender));
            }
        }

        if (proposals.Any(p => p.Item1.Type == ProposalType.Remove && p.Item1.Removed == OwnLeafIndex))
        {
            throw new MlsRemovedFromGroupException("The commit removes us from the group.");
        }

        var applied = ApplyProposals(proposals, committer);
        var tree = applied.Tree;
        var privateState = PrivateState.Clone();
        privateState.Prune(tree);
        var commitSecret = ZeroCommitSecret;
        if (commit.Path is { } path)
        {
            var (filtered, resolutions) = TreeKem.MergeReceivedPath(tree, committer, path, Context.GroupId, applied.NewLeaves);
            if (!path.LeafNode.SignatureKey.AsSpan().SequenceEqual(committerLeaf.SignatureKey) ||
                !path.LeafNode.Credential.ContentEquals(committerLeaf.Credential))
            {
                throw new MlsException("Commit changes the committer's credential or signature key.");
            }

            var provisional = Tls.Encode(ProvisionalContext(tree.RootHash(), applied.Extensions));
            commitSecret = TreeKem.DecryptPath(tree, privateState, path, filtered, resolutions, provisional).CommitSecret;
            privateState.Prune(tree);
        }
        else if (applied.PathRequired)
        {
            throw new MlsException("Commit requires an UpdatePath.");
        }

        var confirmed = TranscriptHash.Confirmed(InterimTranscriptHash, content);
        var nextContext = ProvisionalContext(tree.RootHash(), applied.Extensions).With(confirmedTranscriptHash: confirmed);
        var nextSecrets = EpochSecrets.FromInitSecret(Secrets.InitSecret, commitSecret, nextContext, applied.PskSecret);
        if (content.ConfirmationTag is null || !CipherSuite.VerifyMac(nextSecrets.ConfirmationKey, confirmed, content.ConfirmationTag))
        {
            throw new MlsException("Commit confirmation tag invalid.");
        }

        return new MlsGroup(nextContext, tree, privateState, nextSecrets, TranscriptHash.Interim(confirmed, content.ConfirmationTag), Identity, Options, _resumptionPsks);
    }
}
