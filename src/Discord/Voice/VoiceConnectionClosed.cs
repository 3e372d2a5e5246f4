using Chorus.Discord.Voice.Gateway;

namespace Chorus.Discord.Voice;

/// <summary>Why a voice connection stopped for good.</summary>
public sealed record VoiceConnectionClosed(int? CloseCode, VoiceCloseAction Action, string Reason);
