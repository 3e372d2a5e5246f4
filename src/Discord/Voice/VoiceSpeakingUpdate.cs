namespace Chorus.Discord.Voice;

/// <summary>Server op 5: a user's SSRC and speaking flags.</summary>
/// <param name="UserId">The user the SSRC belongs to.</param>
/// <param name="Ssrc">The RTP SSRC of the user's audio.</param>
/// <param name="Flags">Speaking flags (1 microphone, 2 soundshare, 4 priority).</param>
public readonly record struct VoiceSpeakingUpdate(ulong UserId, uint Ssrc, int Flags);
