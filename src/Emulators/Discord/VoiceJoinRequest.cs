namespace Chorus.Emulators.Discord;

/// <summary>A bot asked to join a voice channel (op 4); the voice emulator uses this to accept its voice identify.</summary>
public sealed record VoiceJoinRequest(ulong GuildId, ulong ChannelId, ulong UserId, string SessionId);
