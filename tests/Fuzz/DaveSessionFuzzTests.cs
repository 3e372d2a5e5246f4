using System.Buffers.Binary;
using System.Text.Json;
using Chorus.Diagnostics;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Emulators.Voice.Dave;

namespace Chorus.Fuzz;

/// <summary>
/// Binary voice gateway messages (sequence, opcode, payload) through the connection's binary handler into a DAVE session:
/// the MLS external sender (25), proposals (27), announced commits (29) and Welcomes (30), recorded from a group the
/// emulated delivery service formed. The victim joins the same channel under the same delivery service key, so the
/// recorded proposals verify and reach the group logic. Malformed payloads are counted by the session, never thrown.
/// </summary>
public sealed class DaveSessionFuzzTests : IDisposable
{
    private const ulong Channel = 0x0123_4567_89AB_CDEF;
    private const ulong Victim = 1009;
    private static readonly ulong[] Users = [1001, 1002, 1003];

    private readonly EmulatedDaveDeliveryService _deliveryService = new(Channel);
    private readonly List<byte[]> _recorded = [];
    private readonly List<DaveSession> _members = [];

    public void Dispose()
    {
        foreach (var member in _members)
        {
            member.Dispose();
        }

        _deliveryService.Dispose();
    }

    [Fact]
    public void Binary_messages_into_a_dave_session()
    {
        foreach (var user in Users)
        {
            var session = new DaveSession(user, Channel);
            _members.Add(session);
            _deliveryService.Connect(user, new Recorder(session, _recorded));
            _deliveryService.Pump();
        }

        Assert.Equal(2ul, _deliveryService.Epoch);
        Assert.Contains(_recorded, m => m[2] == VoiceOpcode.DaveMlsProposals);
        Assert.Contains(_recorded, m => m[2] == VoiceOpcode.DaveMlsAnnounceCommitTransition);
        Assert.Contains(_recorded, m => m[2] == VoiceOpcode.DaveMlsWelcome);
        var externalSender = _recorded.First(m => m[2] == VoiceOpcode.DaveMlsExternalSender);

        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        DaveSession? dave = null;
        VoiceConnection? connection = null;
        var sinceFresh = 0;
        void Fresh()
        {
            dave?.Dispose();
            dave = new DaveSession(Victim, Channel, metrics: metrics);
            connection = new VoiceConnection(
                new VoiceServerCredentials("127.0.0.1:1", 1, Victim, "session", "token"),
                new VoiceConnectionOptions { DaveHandler = dave, FrameCryptor = dave, MaxDaveProtocolVersion = 1, Metrics = metrics });
            // Op 9 (resumed) marks the session ready without a UDP socket, so binary ops reach DAVE as on a live connection.
            connection.HandleTextAsync("""{"op":9,"d":null}"""u8.ToArray(), CancellationToken.None, () => { }).GetAwaiter().GetResult();
            dave.OnSessionDescription(1, new DiscardingSender());
            dave.OnClientsChanged([Victim, .. Users]);
            connection.HandleBinary(externalSender);
            sinceFresh = 0;
        }

        Fresh();
        var report = new Fuzzer
        {
            Target = "voice-gateway-binary-dave",
            Seeds = _recorded,
            SeedsMustBeAccepted = false,
            Mutate = (random, seed, all) =>
            {
                var input = ByteMutator.Mutate(random, seed, all);
                if (input.Length > 2 && random.Next(8) == 0)
                {
                    // Another binary opcode, DAVE's or not.
                    input[2] = (byte)random.Next(20, 34);
                }

                return input;
            },
            Parse = input =>
            {
                // A session moved on by an accepted message (or by a reset) is replaced now and then, so most inputs
                // meet the state the recording was made in.
                if (++sinceFresh > 200)
                {
                    Fresh();
                }

                var rejected = totals.Total(DiscordMetrics.DaveMessagesRejectedName) + totals.Total(DiscordMetrics.DaveMessagesIgnoredName);
                var malformed = totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed);
                connection!.HandleBinary(input);
                var accepted = totals.Total(DiscordMetrics.DaveMessagesRejectedName) + totals.Total(DiscordMetrics.DaveMessagesIgnoredName) == rejected && totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed) == malformed;
                if (accepted)
                {
                    Fresh();
                }

                return accepted ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
            },
            // Key packages and commits are made in reply (signature and HPKE keys, the ratchet tree).
            AllocationBound = length => 2 * 1024 * 1024 + 64L * length,
        }.Run(shortRun: 2_000);
        dave!.Dispose();
        Assert.True(report.Accepted > 0 && report.Rejected > 0, report.ToString());
    }

    /// <summary>Forwards to the member's session and keeps every binary message as the voice gateway frames it.</summary>
    private sealed class Recorder(DaveSession session, List<byte[]> recorded) : IDaveOpcodeHandler
    {
        private ushort _sequence;

        public void OnSessionDescription(int daveProtocolVersion, IVoiceGatewaySender sender) => session.OnSessionDescription(daveProtocolVersion, sender);

        public void OnJsonOpcode(int opcode, JsonElement data, IVoiceGatewaySender sender) => session.OnJsonOpcode(opcode, data, sender);

        public void OnBinaryOpcode(byte opcode, ReadOnlySpan<byte> payload, IVoiceGatewaySender sender)
        {
            var message = new byte[3 + payload.Length];
            BinaryPrimitives.WriteUInt16BigEndian(message, ++_sequence);
            message[2] = opcode;
            payload.CopyTo(message.AsSpan(3));
            recorded.Add(message);
            session.OnBinaryOpcode(opcode, payload, sender);
        }

        public void OnClientsChanged(IReadOnlyCollection<ulong> connectedUserIds) => session.OnClientsChanged(connectedUserIds);
    }

    private sealed class DiscardingSender : IVoiceGatewaySender
    {
        public ValueTask SendBinaryAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask SendJsonAsync(int opcode, ReadOnlyMemory<byte> utf8JsonData, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
