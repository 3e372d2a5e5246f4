namespace Chorus.Discord.Voice;

/// <summary>Server op 5: a user's SSRC and speaking flags.</summary>
public readonly record struct VoiceSpeakingUpdate(ulong UserId, uint Ssrc, int Flags);
