namespace Chorus.Discord.Voice.Receive;

/// <summary>A transport-decrypted packet from an SSRC not yet mapped to a user.</summary>
internal readonly record struct HeldPacket(ushort Sequence, uint Timestamp, long ArrivedAt, byte[] Payload);
