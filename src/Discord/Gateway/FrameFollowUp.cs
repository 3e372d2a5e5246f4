namespace Chorus.Discord.Gateway;

/// <summary>Async work a parsed frame asks the receive loop to do (parsing itself is synchronous over the buffer).</summary>
internal enum FrameFollowUp
{
    None,
    Hello,
    HeartbeatNow,
    Close,
}
