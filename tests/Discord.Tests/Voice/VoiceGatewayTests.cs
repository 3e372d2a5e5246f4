using System.Text.Json;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Emulators.Voice;

namespace Chorus.Discord.Tests.Voice;

[EndToEnd]
public sealed class VoiceGatewayTests
{
    [Fact]
    public async Task Heartbeats_carry_the_last_seq_as_seq_ack()
    {
        await using var h = await VoiceTestHarness.StartAsync(new EmulatedVoiceServerOptions { HeartbeatIntervalMs = 50 });
        h.Server.AddScriptedUser(VoiceTestHarness.Guild, 700);
        await h.WaitUntilAsync(() => h.Connection.ConnectedUsers.Contains(700UL), "op 11");
        var lastSeq = h.Server.LastSeq(VoiceTestHarness.Guild, VoiceTestHarness.Bot);

        // Our client counts an ack when it reads it, after the server handled the heartbeat: the next heartbeat re-checks.
        await h.WaitUntilAsync(() => h.Server.LastSeqAck(VoiceTestHarness.Guild, VoiceTestHarness.Bot) == lastSeq && h.Totals.Total(DiscordMetrics.VoiceHeartbeatsName, MetricTag.Receive) >= 1,
            "a heartbeat acking the last seq, and its ack");
        Assert.True(lastSeq >= 3);
        Assert.True(h.Totals.Total(DiscordMetrics.VoiceHeartbeatsName, MetricTag.Receive) >= 1);
    }

    [Fact]
    public async Task A_server_that_stops_acking_heartbeats_is_dropped_and_resumed()
    {
        // The server goes silent once the session is joined: a zombie met mid-handshake may rightly be refused a resume
        // (4006) and identified again, which made the identify count depend on the machine's load.
        await using var h = await VoiceTestHarness.StartAsync(new EmulatedVoiceServerOptions { HeartbeatIntervalMs = 50 });
        await h.WaitUntilAsync(() => h.Connection.State == VoiceConnectionState.Ready, "the session joined");
        h.Server.StopAckingHeartbeats = true;
        await h.WaitUntilAsync(() => h.Totals.Total(DiscordMetrics.VoiceHeartbeatTimeoutsName) >= 1 && h.Server.Counters.Resumes >= 1, "zombie detected and resumed");
        Assert.Equal(1, h.Server.Counters.Identifies);
    }

    [Fact]
    public async Task Dave_opcodes_reach_the_handler_and_it_can_answer()
    {
        var dave = new RecordingDaveHandler();
        await using var h = await VoiceTestHarness.StartAsync(connect: false);
        await h.ConnectAsync(options: new VoiceConnectionOptions { DaveHandler = dave });
        Assert.Equal(0, dave.SessionVersion);

        await h.Server.SendRawAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, """{"op":21,"d":{"transition_id":7,"protocol_version":1},"seq":50}""");
        await h.Server.SendBinaryAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, 25, [1, 2, 3, 4]);
        await h.WaitUntilAsync(() => dave.Count == 2, "both DAVE ops");

        Assert.Equal((21, 7), dave.Json.Single());
        Assert.Equal((byte)25, dave.Binary.Single().Op);
        Assert.Equal([1, 2, 3, 4], dave.Binary.Single().Payload);
        Assert.Equal(VoiceConnectionState.Ready, h.Connection.State);
        h.Server.AddScriptedUser(VoiceTestHarness.Guild, 701);
        await h.WaitUntilAsync(() => dave.Clients.Contains(701UL), "op 11 passed on to DAVE");
    }

    private sealed class RecordingDaveHandler : IDaveOpcodeHandler
    {
        private readonly Lock _gate = new();
        public int SessionVersion { get; private set; } = -1;
        public List<(int Op, int TransitionId)> Json { get; } = [];
        public List<(byte Op, byte[] Payload)> Binary { get; } = [];
        public IReadOnlyCollection<ulong> Clients { get; private set; } = [];

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return Json.Count + Binary.Count;
                }
            }
        }

        public void OnSessionDescription(int daveProtocolVersion, IVoiceGatewaySender sender) => SessionVersion = daveProtocolVersion;

        public void OnJsonOpcode(int opcode, JsonElement data, IVoiceGatewaySender sender)
        {
            lock (_gate)
            {
                Json.Add((opcode, data.GetProperty("transition_id").GetInt32()));
            }
            // Answer like a DAVE client would (op 23 transition ready); must not break the session.
            _ = sender.SendJsonAsync(VoiceOpcode.DaveTransitionReady, """{"transition_id":7}"""u8.ToArray());
        }

        public void OnBinaryOpcode(byte opcode, ReadOnlySpan<byte> payload, IVoiceGatewaySender sender)
        {
            lock (_gate)
            {
                Binary.Add((opcode, payload.ToArray()));
            }

            _ = sender.SendBinaryAsync(VoiceOpcode.DaveMlsKeyPackage, new byte[] { 9, 9 });
        }

        public void OnClientsChanged(IReadOnlyCollection<ulong> connectedUserIds) => Clients = connectedUserIds;
    }
}
