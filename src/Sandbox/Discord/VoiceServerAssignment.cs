namespace Chorus.Sandbox.Discord;

/// <summary>What the emulator puts in VOICE_SERVER_UPDATE: endpoint "host:port" (null = server going away) and token.</summary>
public sealed record VoiceServerAssignment(string? Endpoint, string Token);
