using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.KeySchedule;
using Chorus.Mls.Messages;
using Chorus.Mls.Tree;

namespace Chorus.Mls.Group;

public sealed partial class MlsGroup
{
    /// <summary>Decrypts our GroupSecrets and the GroupInfo of a Welcome (RFC 9420 §12.4.3.1 steps 1-3), verifying nothing else.</summary>
    internal static (GroupSecrets Secrets, GroupInfo GroupInfo) DecryptWelcome(Welcome welcome, ReadOnlySpan<byte> keyPackageRef, HpkeKeyPair initKey) =>
        DecryptWelcome(welcome, keyPackageRef, initKey, MlsGroupOptions.Dave, out _);

    private static (GroupSecrets Secrets, GroupInfo GroupInfo) DecryptWelcome(Welcome welcome, ReadOnlySpan<byte> keyPackageRef, HpkeKeyPair initKey, MlsGroupOptions options, out byte[] pskSecret)
    {
        if (welcome.CipherSuiteId != CipherSuite.Id)
        {
            throw new MlsUnsupportedException($"Welcome cipher suite {welcome.CipherSuiteId} unsupported.");
        }

        EncryptedGroupSecrets? entry = null;
        foreach (var candidate in welcome.Secrets)
        {
            if (candidate.NewMember.AsSpan().SequenceEqual(keyPackageRef))
            {
                entry = candidate;
                break;
            }
        }

        if (entry is null)
        {
            throw new MlsException("Welcome has no secrets for our key package.");
        }

        var plaintext = CipherSuite.DecryptWithLabel(initKey, "Welcome", welcome.EncryptedGroupInfo, entry.Secrets.KemOutput, entry.Secrets.Ciphertext);
        var secrets = Tls.Decode(plaintext, GroupSecrets.Read);
        pskSecret = options.PskSecretFor(secrets.Psks);
        var welcomeSecret = EpochSecrets.WelcomeSecretFromJoiner(secrets.JoinerSecret, pskSecret);
        var (key, nonce) = EpochSecrets.WelcomeKeyAndNonce(welcomeSecret);
        var groupInfo = Tls.Decode(CipherSuite.AeadOpen(key, nonce, [], welcome.EncryptedGroupInfo), GroupInfo.Read);
        return (secrets, groupInfo);
    }

    /// <summary>
    /// Joins from a bare Welcome (DAVE op 30 body) using the key package bundle it was made for. With
    /// <paramref name="expectedExternalSender"/> the group must list exactly that one external sender (DAVE's op 25 check).
    /// </summary>
    public static MlsGroup Join(ReadOnlySpan<byte> welcome, KeyPackageBundle bundle, MlsGroupOptions? options = null, ExternalSender? expectedExternalSender = null)
    {
        var group = Join(Tls.Decode(welcome, Welcome.Read), bundle, null, options);
        if (expectedExternalSender is not null)
        {
            var senders = group.ExternalSenders;
            if (senders.Count != 1 || !Tls.Encode(senders[0]).AsSpan().SequenceEqual(Tls.Encode(expectedExternalSender)))
            {
                throw new MlsException("Welcomed group does not have exactly the expected external sender.");
            }
        }

        return group;
    }

    /// <summary>Joins from a Welcome; <paramref name="externalTree"/> is used when the GroupInfo carries no ratchet_tree extension.</summary>
    public static MlsGroup Join(Welcome welcome, KeyPackageBundle bundle, RatchetTree? externalTree, MlsGroupOptions? options = null)
    {
        options ??= MlsGroupOptions.Dave;
        var (secrets, groupInfo) = DecryptWelcome(welcome, bundle.Reference, bundle.InitKey, options, out var pskSecret);
        var context = groupInfo.GroupContext;
        if (context.Version != CipherSuite.ProtocolVersion || context.CipherSuiteId != CipherSuite.Id)
        {
            throw new MlsUnsupportedException("GroupInfo version or cipher suite unsupported.");
        }

        var treeExtension = groupInfo.Extensions.FirstOrDefault(e => e.Type == Extension.RatchetTree);
        var tree = treeExtension is not null ? RatchetTree.Decode(treeExtension.Data) : externalTree?.Clone()
            ?? throw new MlsException("Welcome carries no ratchet tree.");
        if (!tree.RootHash().AsSpan().SequenceEqual(context.TreeHash))
        {
            throw new MlsException("Ratchet tree does not match the GroupInfo tree hash.");
        }

        var signerLeaf = tree.GetLeaf(groupInfo.Signer) ?? throw new MlsException("GroupInfo signer is not a member.");
        if (!groupInfo.VerifySignature(signerLeaf.SignatureKey))
        {
            throw new MlsException("GroupInfo signature invalid.");
        }

        tree.Validate(context.GroupId);
        var ownLeaf = tree.FindLeaf(l =>
            l.EncryptionKey.AsSpan().SequenceEqual(bundle.LeafKey.PublicKey) &&
            l.SignatureKey.AsSpan().SequenceEqual(bundle.KeyPackage.LeafNode.SignatureKey))
            ?? throw new MlsException("Our leaf is not in the welcomed tree.");

        var privateState = new TreePrivateState(ownLeaf, bundle.LeafKey);
        if (secrets.PathSecret is { } pathSecret)
        {
            var filtered = tree.FilteredDirectPath(groupInfo.Signer);
            var ownNode = TreeMath.LeafToNode(ownLeaf);
            var start = filtered.FirstOrDefault(f => TreeMath.IsInSubtree(ownNode, f.Node));
            if (start == default)
            {
                throw new MlsException("No common ancestor with the GroupInfo signer.");
            }

            privateState.ImplantPathSecret(tree, start.Node, pathSecret, filtered.Select(f => f.Node).ToList());
        }

        var epochSecrets = EpochSecrets.FromJoinerSecret(secrets.JoinerSecret, context, pskSecret);
        if (!CipherSuite.VerifyMac(epochSecrets.ConfirmationKey, context.ConfirmedTranscriptHash, groupInfo.ConfirmationTag))
        {
            throw new MlsException("GroupInfo confirmation tag invalid.");
        }

        return new MlsGroup(context, tree, privateState, epochSecrets, TranscriptHash.Interim(context.ConfirmedTranscriptHash, groupInfo.ConfirmationTag), bundle.Identity, options);
    }
}
