using Chorus.Discord.Voice.Gateway;

namespace Chorus.Discord.Voice;

/// <summary>Why a voice connection stopped for good.</summary>
/// <param name="CloseCode">The voice gateway close code, or null when the connection stopped for another reason.</param>
/// <param name="Action">What the close code called for.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record VoiceConnectionClosed(int? CloseCode, VoiceCloseAction Action, string Reason);
