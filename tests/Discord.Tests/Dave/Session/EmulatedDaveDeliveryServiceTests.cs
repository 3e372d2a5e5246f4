using Chorus.Discord.Dave.Session;
using Chorus.Discord.Voice.Gateway;
using Chorus.Emulators.Voice.Dave;

namespace Chorus.Discord.Tests.Dave.Session;

/// <summary>The emulator's DAVE deliveryService role with remote (socket-style) clients: what arrives from them is hostile.</summary>
public sealed class EmulatedDaveDeliveryServiceTests
{
    [Fact]
    public void Joining_sends_the_external_sender_and_malformed_client_messages_are_dropped_and_counted()
    {
        using var deliveryService = new EmulatedDaveDeliveryService(77);
        var delivered = new List<(int Opcode, byte[] Payload, bool IsJson)>();
        deliveryService.Join(5, (op, payload, isJson) => delivered.Add((op, payload, isJson)));
        deliveryService.Pump();
        var externalSender = Assert.Single(delivered);
        Assert.Equal(VoiceOpcode.DaveMlsExternalSender, externalSender.Opcode);
        Assert.Equal(deliveryService.ExternalSenderPayload.ToArray(), externalSender.Payload);

        deliveryService.Receive(5, VoiceOpcode.DaveMlsKeyPackage, [0x00, 0x01, 0xFF], isJson: false);
        deliveryService.Receive(5, VoiceOpcode.DaveMlsCommitWelcome, [0x00], isJson: false);
        deliveryService.Receive(5, VoiceOpcode.DaveTransitionReady, "{\"nope\":1}"u8.ToArray(), isJson: true);
        deliveryService.Receive(5, VoiceOpcode.DaveTransitionReady, "not json"u8.ToArray(), isJson: true);
        deliveryService.Pump();

        // The key package does not parse; the commit does not either (counted as a dropped commit); op 23 with no
        // transition pending is ignored unread.
        Assert.Equal(1, deliveryService.MalformedDropped);
        Assert.Equal(1, deliveryService.CommitsDropped);
        Assert.Single(delivered);
        Assert.Equal(0UL, deliveryService.Epoch);
    }

    /// <summary>Scripting who wins the first-commit race: the deferred member's commit is judged after the other's and dropped.</summary>
    [Theory]
    [InlineData(5UL, 6UL)]
    [InlineData(6UL, 5UL)]
    public void A_deferred_commit_loses_the_race_and_its_sender_is_welcomed(ulong deferred, ulong winner)
    {
        using var deliveryService = new EmulatedDaveDeliveryService(77);
        using var five = new DaveSession(5, 77);
        using var six = new DaveSession(6, 77);
        deliveryService.Connect(5, five);
        deliveryService.Connect(6, six);
        deliveryService.DeferNextCommitFrom(deferred);
        deliveryService.Pump();

        Assert.Equal(1UL, deliveryService.Epoch);
        Assert.Equal(1, deliveryService.CommitsAccepted);
        Assert.Equal(1, deliveryService.CommitsDropped);
        Assert.Equal([winner, deferred], deliveryService.Leaves.Select(l => l!.Value));
        Assert.Equal(1, (deferred == 5 ? five : six).Counters.CommitsSent);
        Assert.Equal(1UL, five.Epoch);
        Assert.Equal(1UL, six.Epoch);
        Assert.NotNull(five.PrivacyCode);
        Assert.Equal(five.PrivacyCode, six.PrivacyCode);
    }
}
