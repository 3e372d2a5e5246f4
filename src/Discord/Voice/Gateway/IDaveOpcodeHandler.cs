using System.Text.Json;

namespace Chorus.Discord.Voice.Gateway;

/// <summary>
/// Receives the DAVE opcodes of the voice gateway: JSON ops 21, 22, 24 and binary ops 25, 27, 29, 30.
/// The DAVE implementation answers through <see cref="IVoiceGatewaySender"/>.
/// </summary>
public interface IDaveOpcodeHandler
{
    /// <summary>Called after op 4 with the negotiated DAVE protocol version (0 = none).</summary>
    void OnSessionDescription(int daveProtocolVersion, IVoiceGatewaySender sender);

    /// <summary>JSON DAVE op (21, 22, 24) with its raw <c>d</c> object.</summary>
    void OnJsonOpcode(int opcode, JsonElement data, IVoiceGatewaySender sender);

    /// <summary>Binary DAVE op; <paramref name="payload"/> follows the seq/opcode prefix and is only valid during the call.</summary>
    void OnBinaryOpcode(byte opcode, ReadOnlySpan<byte> payload, IVoiceGatewaySender sender);

    /// <summary>Users currently connected (op 11 / op 13), which DAVE needs as its recognised-user list.</summary>
    void OnClientsChanged(IReadOnlyCollection<ulong> connectedUserIds);
}
