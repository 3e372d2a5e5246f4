using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Sessions;

/// <summary>How the session's grain learns that the session ended.</summary>
public enum SessionEndRecord
{
    /// <summary>A leave someone asked for: the grain already holds the reason (<see cref="IVoiceSessionGrain.LeaveAsync"/>).</summary>
    CompleteLeave,
    /// <summary>An ending this process decided: <see cref="IVoiceSessionGrain.RecordEndAsync"/> with the reason.</summary>
    RecordEnd,
    /// <summary>Another gateway process runs the session now: the grain is theirs to update.</summary>
    None,
}

/// <summary>
/// How a session ends: why (for the grain and /status), what the users are told in the channel /join was run from
/// (null: nothing, e.g. they asked), whether the bot leaves the voice channel, and how the grain is told.
/// </summary>
/// <param name="Reason">Why, as a category.</param>
/// <param name="Detail">Why, in words, for the grain and the log; never a secret.</param>
/// <param name="Notice">The one message posted to the origin channel, or null for none.</param>
/// <param name="LeavesVoice">Whether the bot tells Discord it left (op 4 with no channel).</param>
/// <param name="Record">How the grain is told.</param>
/// <param name="HandsOff">
/// The session goes on at the gateway its shard was handed to: the Gemini side is closed first and what the receiver
/// needs to lose no turn (the newest handle, the audio its session never heard) is left in the grain.
/// </param>
public sealed record SessionEnding(SessionEndReason Reason, string Detail, string? Notice, bool LeavesVoice, SessionEndRecord Record, bool HandsOff = false)
{
    /// <summary>Someone asked (/leave, auto-leave, the grain's push): they know, so nothing is posted.</summary>
    public static SessionEnding Requested(string reason) =>
        new(SessionEndReason.Left, reason, null, LeavesVoice: true, SessionEndRecord.CompleteLeave);

    /// <summary>Another gateway process took the session over: close this side only.</summary>
    public static SessionEnding TakenOver(string? reason) =>
        new(SessionEndReason.LeaseLost, reason ?? "taken over by another gateway", null, LeavesVoice: false, SessionEndRecord.None);

    /// <summary>The session's shard was handed to another gateway process, which carries the session on: hand it off.</summary>
    public static SessionEnding HandedOver() =>
        new(SessionEndReason.LeaseLost, "handed over to another gateway", null, LeavesVoice: false, SessionEndRecord.None, HandsOff: true);

    /// <summary>This gateway process is stopping.</summary>
    public static SessionEnding GatewayStopping() =>
        new(SessionEndReason.GatewayStopped, "gateway process shutting down", null, LeavesVoice: true, SessionEndRecord.RecordEnd);

    /// <summary>A terminal failure or limit: the users are told what happened and what to do.</summary>
    public static SessionEnding Failure(SessionEndReason reason, string notice) =>
        new(reason, notice, notice, LeavesVoice: true, SessionEndRecord.RecordEnd);
}
