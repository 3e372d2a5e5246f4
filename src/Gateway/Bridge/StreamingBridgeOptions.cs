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

    /// <summary>
    /// The users' audio waiting this long for the model's socket (queued, and the uplink has sent nothing since) is logged
    /// as a warning and counted (chorus.conversation.stalls, uplink_stalled).
    /// </summary>
    public TimeSpan UplinkStallWarning { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An uplink stuck this long ends the conversation through the failure path (the users are told, the reason is
    /// recorded): they would otherwise talk to a bot that hears nothing.
    /// </summary>
    public TimeSpan UplinkStallLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The model sending nothing at all for this long after the users stopped speaking (the stream ended after their
    /// words) is logged as a warning and counted (chorus.conversation.stalls, model_silent). Only a warning: a model may
    /// rightly let a cough go unanswered, and a dead socket is the conversation's own reconnect to handle.
    /// </summary>
    public TimeSpan ModelSilenceWarning { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the watchdog looks (both checks above).</summary>
    public TimeSpan WatchdogInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Uplink frames queued for the Gemini socket; beyond this the newest are dropped and counted.</summary>
    public int UplinkQueueFrames { get; init; } = 250;
}
