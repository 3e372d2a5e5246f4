namespace Chorus.Gateway.Bridge;

public sealed record StreamingBridgeOptions
{
    /// <summary>Stop the bot's playback as soon as a user starts talking, before the server's <c>interrupted</c>.</summary>
    public bool LocalBargeIn { get; init; } = true;

    /// <summary>
    /// Mute the uplink while the bot talks (the reference bot's behaviour; for noisy channels). The bot then
    /// cannot be talked over, so local barge-in is off while this is on.
    /// </summary>
    public bool HalfDuplex { get; init; }

    /// <summary>
    /// After a local barge-in, model audio is dropped until the server confirms the turn ended; if it
    /// never does, playback resumes after this long so the bot is not silenced for good.
    /// </summary>
    public TimeSpan LocalBargeInRelease { get; init; } = TimeSpan.FromMilliseconds(1200);

    /// <summary>
    /// The persona the conversation started with. A settings change that carries the same persona (say, half-duplex
    /// switched on) does not send it again: on models without <c>contextUpdate</c> that would restart the Gemini session.
    /// </summary>
    public string? Persona { get; init; }

    /// <summary>Uplink frames queued for the Gemini socket; beyond this the newest are dropped and counted.</summary>
    public int UplinkQueueFrames { get; init; } = 250;
}
