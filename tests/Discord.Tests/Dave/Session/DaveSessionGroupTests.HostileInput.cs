using System.Text;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Gateway;
using Chorus.Emulators.Voice.Dave;
using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;

namespace Chorus.Discord.Tests.Dave.Session;

public sealed partial class DaveSessionGroupTests
{
    [Fact]
    public void MalformedBinaryOpcodesAreCountedAndTheGroupSurvives()
    {
        var alice = Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        var epochZeroCommit = EmulatedDaveDeliveryService.SplitCommitWelcome(_deliveryService.FromClients.First(m => m.Opcode == VoiceOpcode.DaveMlsCommitWelcome).Payload).Commit;

        using var stranger = SignatureKeyPair.Generate();
        var strangerSender = Tls.Encode(ExternalProposals.CreateSender(stranger, Encoding.ASCII.GetBytes("not the delivery service")));
        Send(VoiceOpcode.DaveMlsExternalSender, [], [0xFF], _deliveryService.ExternalSenderPayload[..10].ToArray(), strangerSender);
        Send(VoiceOpcode.DaveMlsExternalSender, _deliveryService.ExternalSenderPayload.ToArray());
        Assert.Equal(4, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsExternalSender)));

        var newcomer = KeyPackageBundle.Create(MlsIdentity.Generate(Carol)).Encoded;
        var unknownUser = KeyPackageBundle.Create(MlsIdentity.Generate(4242)).Encoded;
        alice.AddRecognizedUsers([Carol]);
        Send(
            VoiceOpcode.DaveMlsProposals,
            [],
            [0],
            [7, 0],
            [0, 5, 1, 2, 3, 4, 5],
            EmulatedDaveDeliveryService.AppendBody([ExternalProposals.Add(_deliveryService.Signer, _deliveryService.GroupId, 9, newcomer).Message]),
            EmulatedDaveDeliveryService.AppendBody([ExternalProposals.Add(stranger, _deliveryService.GroupId, 1, newcomer).Message]),
            EmulatedDaveDeliveryService.AppendBody([ExternalProposals.Add(_deliveryService.Signer, _deliveryService.GroupId, 1, unknownUser).Message]),
            [1, 33, 32, .. new byte[32]]);
        Assert.Equal(8, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsProposals)));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome)));

        Send(VoiceOpcode.DaveMlsAnnounceCommitTransition, [], [0], [0, 9, .. OtherGroupCommit()]);
        Send(VoiceOpcode.DaveMlsWelcome, [], [0], [0, 9, 1, 2, 3]);
        Send(VoiceOpcode.DaveMlsKeyPackage, [0, 1, 0, 2]);
        Assert.Equal(3, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsAnnounceCommitTransition)));
        Assert.Equal(2, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsWelcome)));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage)));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesIgnoredName));
        Assert.Equal(0, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome)));
        AssertAgreed([Alice, Bob], epoch: 1);

        // A garbage commit and a replayed old-epoch commit each carry a transition id: op 31, reset, and the delivery service re-adds us.
        Send(VoiceOpcode.DaveMlsAnnounceCommitTransition, [0, 7, 1, 2, 3]);
        AssertAgreed([Alice, Bob], epoch: 2);
        Send(VoiceOpcode.DaveMlsAnnounceCommitTransition, [0, 8, .. epochZeroCommit]);
        AssertAgreed([Alice, Bob], epoch: 3);
        Assert.Equal(2, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome)));
        Assert.Equal(
            ["{\"transition_id\":7}", "{\"transition_id\":8}"],
            _deliveryService.FromClients.Where(m => m.Opcode == VoiceOpcode.DaveMlsInvalidCommitWelcome).Select(m => Encoding.UTF8.GetString(m.Payload)));
        AssertHears(alice, bob);
        AssertHears(bob, alice);
    }

    [Fact]
    public void MalformedJsonOpcodesAreCountedAndTheGroupSurvives()
    {
        var alice = Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();

        SendJson(VoiceOpcode.DavePrepareTransition, "{}", "[]", "{\"transition_id\":\"x\",\"protocol_version\":1}",
            "{\"transition_id\":70000,\"protocol_version\":1}", "{\"transition_id\":3,\"protocol_version\":-1}");
        SendJson(VoiceOpcode.DaveExecuteTransition, "{}", "{\"transition_id\":-4}", "{\"transition_id\":999}");
        SendJson(VoiceOpcode.DavePrepareEpoch, "{\"epoch\":-1,\"protocol_version\":1}", "{\"protocol_version\":1}", "null");
        SendJson(VoiceOpcode.DaveTransitionReady, "{\"transition_id\":1}");

        Assert.Equal(5, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DavePrepareTransition)));
        Assert.Equal(2, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveExecuteTransition)));
        Assert.Equal(3, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DavePrepareEpoch)));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveTransitionReady)));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesIgnoredName));
        AssertAgreed([Alice, Bob], epoch: 1);
        AssertHears(alice, bob);
        AssertHears(bob, alice);
    }

    [Fact]
    public void InvalidWelcomeWhilePendingSendsOp31AndAFreshKeyPackage()
    {
        using var session = _meters.Create(Carol, Channel, time: _time);
        var sender = new RecordingGatewaySender();
        session.OnSessionDescription(1, sender);
        session.OnBinaryOpcode(VoiceOpcode.DaveMlsExternalSender, _deliveryService.ExternalSenderPayload, sender);
        session.OnBinaryOpcode(VoiceOpcode.DaveMlsWelcome, [0, 5, 0, 2, 9, 9, 9], sender);

        Assert.Equal([VoiceOpcode.DaveMlsKeyPackage, VoiceOpcode.DaveMlsInvalidCommitWelcome, VoiceOpcode.DaveMlsKeyPackage], sender.Messages.Select(m => m.Opcode));
        Assert.Equal("{\"transition_id\":5}", Encoding.UTF8.GetString(sender.Messages[1].Payload));
        Assert.NotEqual(sender.Messages[0].Payload, sender.Messages[2].Payload);
        Assert.True(session.WhenSent().IsCompletedSuccessfully);
        Assert.Null(session.GroupEpoch);
    }

    private byte[] OtherGroupCommit()
    {
        var otherGroupId = new byte[8];
        otherGroupId[7] = 1;
        using var signer = SignatureKeyPair.Generate();
        var extension = ExternalProposals.CreateSender(signer, [1]).ToExtension();
        var group = MlsGroup.Create(otherGroupId, KeyPackageBundle.Create(MlsIdentity.Generate(Bob)), [extension]);
        var joiner = KeyPackageBundle.Create(MlsIdentity.Generate(Alice)).Encoded;
        group.ProcessProposal(ExternalProposals.Add(signer, otherGroupId, 0, joiner).Message);
        return group.CreateCommit().Commit;
    }

    private void Send(int opcode, params byte[][] payloads)
    {
        foreach (var payload in payloads)
        {
            _deliveryService.SendToClient(Alice, opcode, payload);
        }

        _deliveryService.Pump();
    }

    private void SendJson(int opcode, params string[] payloads)
    {
        foreach (var payload in payloads)
        {
            _deliveryService.SendJsonToClient(Alice, opcode, payload);
        }

        _deliveryService.Pump();
    }
}
