using Chorus.Mls.Crypto;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;
using Chorus.Mls.Tree;

namespace Chorus.Mls.Tests.Conformance;

/// <summary>Shared driver for the passive-client scenarios: join by Welcome, then follow every epoch.</summary>
internal static class PassiveClientVectors
{
    public static void Run(string file, int index)
    {
        var v = TestVectors.Load(file)[index];
        var options = new MlsGroupOptions
        {
            AllowInlineProposals = true,
            ExternalPsks = v.GetProperty("external_psks").EnumerateArray().ToDictionary(p => p.Str("psk_id").ToUpperInvariant(), p => p.Hex("psk")),
        };
        var keyPackage = MlsMessage.Decode(v.Hex("key_package")).KeyPackage!;
        var identity = new MlsIdentity(0, SignatureKeyPair.FromPrivateKey(v.Hex("signature_priv")));
        Assert.Equal(keyPackage.LeafNode.SignatureKey, identity.SignatureKey.PublicKey);
        var bundle = KeyPackageBundle.FromExisting(identity, keyPackage, HpkeKeyPair.FromPrivateKey(v.Hex("init_priv")), HpkeKeyPair.FromPrivateKey(v.Hex("encryption_priv")));
        Assert.Equal(keyPackage.InitKey, bundle.InitKey.PublicKey);
        Assert.Equal(keyPackage.LeafNode.EncryptionKey, bundle.LeafKey.PublicKey);

        var welcome = MlsMessage.Decode(v.Hex("welcome")).Welcome!;
        var externalTree = v.IsNull("ratchet_tree") ? null : RatchetTree.Decode(v.Hex("ratchet_tree"));
        var group = Guard(() => MlsGroup.Join(welcome, bundle, externalTree, options), "welcome");
        Assert.Equal(v.Hex("initial_epoch_authenticator"), group.EpochAuthenticator);

        var epochIndex = 0;
        foreach (var epoch in v.GetProperty("epochs").EnumerateArray())
        {
            foreach (var proposal in epoch.GetProperty("proposals").EnumerateArray())
            {
                var message = MlsMessage.Decode(Convert.FromHexString(proposal.GetString()!));
                var current = group;
                Guard(() => current.ProcessProposal(message), $"epoch {epochIndex} proposal");
            }

            var commit = MlsMessage.Decode(epoch.Hex("commit"));
            var before = group;
            group = Guard(() => before.ProcessCommit(commit), $"epoch {epochIndex} commit");
            Assert.Equal(epoch.Hex("epoch_authenticator"), group.EpochAuthenticator);
            epochIndex++;
        }
    }

    private static T Guard<T>(Func<T> step, string where)
    {
        try
        {
            return step();
        }
        catch (MlsUnsupportedException e)
        {
            Assert.Skip($"Outside the DAVE profile at {where}: {e.Message}");
            throw;
        }
    }
}
