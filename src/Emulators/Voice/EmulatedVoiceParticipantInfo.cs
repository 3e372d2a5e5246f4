namespace Chorus.Emulators.Voice;

/// <summary>A snapshot of a participant as the emulator sees it (for assertions).</summary>
public sealed record EmulatedVoiceParticipantInfo(
    ulong GuildId, ulong UserId, uint Ssrc, string? Mode, bool Connected, bool Joined, int SpeakingFlags,
    int Identifies, int Resumes, int MaxDaveVersion);
