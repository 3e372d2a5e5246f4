using Chorus.Discord.Voice.Gateway;

namespace Chorus.Discord.Tests.Dave.Session;

/// <summary>Keeps what a DAVE handler sends back, for tests that drive a session by hand.</summary>
internal sealed class RecordingGatewaySender : IVoiceGatewaySender
{
    public List<(int Opcode, bool IsJson, byte[] Payload)> Messages { get; } = [];

    public ValueTask SendBinaryAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        Messages.Add((opcode, false, payload.ToArray()));
        return ValueTask.CompletedTask;
    }

    public ValueTask SendJsonAsync(int opcode, ReadOnlyMemory<byte> utf8JsonData, CancellationToken cancellationToken = default)
    {
        Messages.Add((opcode, true, utf8JsonData.ToArray()));
        return ValueTask.CompletedTask;
    }
}
