namespace Chorus.Discord.Voice.Receive;

/// <summary>Called on the UDP receive thread for every decoded frame; keep it short and do not block.</summary>
public delegate void VoicePcmFrameHandler(VoicePcmFrame frame);
