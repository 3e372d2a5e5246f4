using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.KeySchedule;
using Chorus.Mls.Messages;

namespace Chorus.Mls.Tests.Conformance;

public sealed class KeyScheduleVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("key-schedule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void EpochChainMatches(int index)
    {
        var v = TestVectors.Load("key-schedule")[index];
        var groupId = v.Hex("group_id");
        var initSecret = v.Hex("initial_init_secret");
        ulong epoch = 0;
        foreach (var e in v.GetProperty("epochs").EnumerateArray())
        {
            var context = new GroupContext
            {
                GroupId = groupId,
                Epoch = epoch,
                TreeHash = e.Hex("tree_hash"),
                ConfirmedTranscriptHash = e.Hex("confirmed_transcript_hash"),
            };
            Assert.Equal(e.Hex("group_context"), Tls.Encode(context));
            var secrets = EpochSecrets.FromInitSecret(initSecret, e.Hex("commit_secret"), context, e.Hex("psk_secret"));
            Assert.Equal(e.Hex("joiner_secret"), secrets.JoinerSecret);
            Assert.Equal(e.Hex("welcome_secret"), secrets.WelcomeSecret);
            Assert.Equal(e.Hex("init_secret"), secrets.InitSecret);
            Assert.Equal(e.Hex("sender_data_secret"), secrets.SenderDataSecret);
            Assert.Equal(e.Hex("encryption_secret"), secrets.EncryptionSecret);
            Assert.Equal(e.Hex("exporter_secret"), secrets.ExporterSecret);
            Assert.Equal(e.Hex("epoch_authenticator"), secrets.EpochAuthenticator);
            Assert.Equal(e.Hex("external_secret"), secrets.ExternalSecret);
            Assert.Equal(e.Hex("confirmation_key"), secrets.ConfirmationKey);
            Assert.Equal(e.Hex("membership_key"), secrets.MembershipKey);
            Assert.Equal(e.Hex("resumption_psk"), secrets.ResumptionPsk);
            using var external = Hpke.DeriveKeyPair(secrets.ExternalSecret);
            Assert.Equal(e.Hex("external_pub"), external.PublicKey);
            var exporter = e.GetProperty("exporter");
            Assert.Equal(exporter.Hex("secret"), secrets.Export(exporter.Str("label"), exporter.Hex("context"), exporter.GetProperty("length").GetInt32()));
            initSecret = secrets.InitSecret;
            epoch++;
        }

        Assert.True(epoch > 0);
    }
}
