using System.Text.Json;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Gateway;
using Chorus.Emulators.Voice.Dave;
using Microsoft.Extensions.Time.Testing;

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
        using var meters = new MeteredSessions();
        using var five = meters.Create(5, 77);
        using var six = meters.Create(6, 77);
        deliveryService.Connect(5, five);
        deliveryService.Connect(6, six);
        deliveryService.DeferNextCommitFrom(deferred);
        deliveryService.Pump();

        Assert.Equal(1UL, deliveryService.Epoch);
        Assert.Equal(1, deliveryService.CommitsAccepted);
        Assert.Equal(1, deliveryService.CommitsDropped);
        Assert.Equal([winner, deferred], deliveryService.Leaves.Select(l => l!.Value));
        Assert.Equal(1, meters.Of(deferred == 5 ? five : six).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome)));
        Assert.Equal(1UL, five.Epoch);
        Assert.Equal(1UL, six.Epoch);
        Assert.NotNull(five.PrivacyCode);
        Assert.Equal(five.PrivacyCode, six.PrivacyCode);
    }

    /// <summary>Discord's gateway executes a transition when all are ready or a timeout passes (discord-voice.md 5.5).</summary>
    [Fact]
    public void A_member_that_never_answers_op_23_does_not_hold_the_transition_past_the_timeout()
    {
        var time = new FakeTimeProvider();
        using var deliveryService = new EmulatedDaveDeliveryService(77, time, TimeSpan.FromSeconds(2));
        using var meters = new MeteredSessions();
        using var five = meters.Create(5, 77);
        using var six = meters.Create(6, 77);
        using var seven = meters.Create(7, 77);
        deliveryService.Connect(5, five);
        deliveryService.Connect(6, six);
        deliveryService.Connect(7, new NeverReady(seven));
        deliveryService.Pump();

        // Everyone processed the commit or Welcome; 7 kept its op 23 to itself, so the gateway waits.
        Assert.Equal(1UL, deliveryService.Epoch);
        Assert.Equal(0, deliveryService.TransitionsExecuted);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(2), deliveryService.TransitionDeadline);
        Assert.False(five.IsReadyToSend);

        time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.False(deliveryService.ExecuteTimedOutTransition());
        deliveryService.Pump();
        Assert.Equal(0, deliveryService.TransitionsExecuted);

        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(deliveryService.ExecuteTimedOutTransition());
        deliveryService.Pump();

        // Op 22 went to every member, the silent one included: all three switched to the new epoch.
        Assert.Equal(1, deliveryService.TransitionsExecuted);
        Assert.Equal(1, deliveryService.TransitionsTimedOut);
        Assert.Null(deliveryService.TransitionDeadline);
        Assert.All([five, six, seven], member =>
        {
            Assert.True(member.IsReadyToSend);
            Assert.Equal(1, meters.Of(member).Total(DiscordMetrics.DaveTransitionsName));
        });
        Assert.False(deliveryService.ExecuteTimedOutTransition());
    }

    [Fact]
    public void When_every_member_is_ready_op_22_goes_out_at_once_without_waiting_for_the_timeout()
    {
        var time = new FakeTimeProvider();
        using var deliveryService = new EmulatedDaveDeliveryService(77, time, TimeSpan.FromSeconds(2));
        using var meters = new MeteredSessions();
        using var five = meters.Create(5, 77);
        using var six = meters.Create(6, 77);
        using var seven = meters.Create(7, 77);
        deliveryService.Connect(5, five);
        deliveryService.Connect(6, six);
        deliveryService.Connect(7, seven);
        deliveryService.Pump();

        Assert.Equal(1UL, deliveryService.Epoch);
        Assert.Equal(1, deliveryService.TransitionsExecuted);
        Assert.Equal(0, deliveryService.TransitionsTimedOut);
        Assert.Null(deliveryService.TransitionDeadline);
        Assert.All([five, six, seven], member => Assert.True(member.IsReadyToSend));
    }

    /// <summary>A client that processes everything but never tells the gateway it is ready (op 23 is dropped on its way out).</summary>
    private sealed class NeverReady(IDaveOpcodeHandler inner) : IDaveOpcodeHandler
    {
        public void OnSessionDescription(int daveProtocolVersion, IVoiceGatewaySender sender) => inner.OnSessionDescription(daveProtocolVersion, new WithoutOp23(sender));

        public void OnJsonOpcode(int opcode, JsonElement data, IVoiceGatewaySender sender) => inner.OnJsonOpcode(opcode, data, new WithoutOp23(sender));

        public void OnBinaryOpcode(byte opcode, ReadOnlySpan<byte> payload, IVoiceGatewaySender sender) => inner.OnBinaryOpcode(opcode, payload, new WithoutOp23(sender));

        public void OnClientsChanged(IReadOnlyCollection<ulong> connectedUserIds) => inner.OnClientsChanged(connectedUserIds);

        private sealed class WithoutOp23(IVoiceGatewaySender inner) : IVoiceGatewaySender
        {
            public ValueTask SendBinaryAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
                inner.SendBinaryAsync(opcode, payload, cancellationToken);

            public ValueTask SendJsonAsync(int opcode, ReadOnlyMemory<byte> utf8JsonData, CancellationToken cancellationToken = default) =>
                opcode == VoiceOpcode.DaveTransitionReady ? ValueTask.CompletedTask : inner.SendJsonAsync(opcode, utf8JsonData, cancellationToken);
        }
    }
}
