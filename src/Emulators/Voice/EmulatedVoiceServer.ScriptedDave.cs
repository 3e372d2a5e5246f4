using System.Text.Json;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Gateway;

namespace Chorus.Emulators.Voice;

// Scripted users in a DAVE call are members of the MLS group like any client: each holds a DaveSession, receives the
// gateway's DAVE messages in the order the gateway produced them, and answers through the same queue as remote clients.
// Without this, a DAVE call with scripted users would relay plaintext that our bot (rightly) refuses.
public sealed partial class EmulatedVoiceServer
{
    private DaveSession CreateScriptedDaveSession(ulong guildId, ulong userId, ulong channelId, DiscordMetrics? metrics)
    {
        lock (_gate)
        {
            if (_daveDeliveryServices.TryGetValue(guildId, out var gateway))
            {
                channelId = gateway.ChannelId;
            }
            else if (channelId == 0)
            {
                channelId = _credentials.Where(c => c.Key.Guild == guildId).Select(c => c.Value.ChannelId).FirstOrDefault(guildId + 1);
            }
        }
        return new DaveSession(userId, channelId, metrics: metrics);
    }

    /// <summary>The scripted user's "op 4" with version 1, then its pending membership (op 25 and the proposals follow).</summary>
    private Task ScriptedDaveJoinAsync(EmulatedVoiceParticipant participant, DaveSession dave)
    {
        NotifyScriptedDaveClients(participant.GuildId);
        // Its key package (op 26) queues behind this exchange, so the gateway knows the member when it arrives.
        return DaveJoinAsync(participant, () => dave.OnSessionDescription(1, new ScriptedDaveLink(this, participant)));
    }

    /// <summary>What op 11/13 tell a network client: scripted DAVE members learn who is connected.</summary>
    private void NotifyScriptedDaveClients(ulong guildId)
    {
        List<EmulatedVoiceParticipant> members;
        lock (_gate)
        {
            members = [.. _participants.Values.Where(p => p.GuildId == guildId && p.Joined)];
        }

        foreach (var member in members)
        {
            if (member.Scripted?.Dave is { } dave)
            {
                dave.OnClientsChanged([.. members.Where(m => m.UserId != member.UserId).Select(m => m.UserId)]);
            }
        }
    }

    private void DeliverToScripted(EmulatedVoiceParticipant to, int op, byte[] payload, bool isJson)
    {
        if (to.Scripted?.Dave is not { } dave)
        {
            return;
        }

        var link = new ScriptedDaveLink(this, to);
        if (isJson)
        {
            using var document = JsonDocument.Parse(payload);
            dave.OnJsonOpcode(op, document.RootElement, link);
        }
        else
        {
            dave.OnBinaryOpcode((byte)op, payload, link);
        }
    }

    /// <summary>A scripted user's half of the voice socket: its DAVE replies join the gateway's queue like a client's.</summary>
    private sealed class ScriptedDaveLink(EmulatedVoiceServer server, EmulatedVoiceParticipant participant) : IVoiceGatewaySender
    {
        public ValueTask SendBinaryAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
            new(server.DaveReceiveAsync(participant, opcode, payload.ToArray(), isJson: false));

        public ValueTask SendJsonAsync(int opcode, ReadOnlyMemory<byte> utf8JsonData, CancellationToken cancellationToken = default) =>
            new(server.DaveReceiveAsync(participant, opcode, utf8JsonData.ToArray(), isJson: true));
    }
}
