namespace Chorus.Discord.Voice.Gateway;

/// <summary>What a DAVE handler may send back on the voice gateway.</summary>
public interface IVoiceGatewaySender
{
    /// <summary>Binary message: opcode ‖ payload (no seq on client-to-server frames).</summary>
    ValueTask SendBinaryAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>JSON message <c>{op, d}</c>; <paramref name="utf8JsonData"/> is the already serialised <c>d</c>.</summary>
    ValueTask SendJsonAsync(int opcode, ReadOnlyMemory<byte> utf8JsonData, CancellationToken cancellationToken = default);
}
