namespace Chorus.Grains.Sessions;

/// <summary>Why a guild's last voice session ended. Values are persisted: add new ones, never renumber.</summary>
[GenerateSerializer, Alias("chorus.SessionEndReason")]
public enum SessionEndReason
{
    /// <summary>Someone asked: /leave, auto-leave when the channel emptied, a join that failed.</summary>
    Left = 0,
    /// <summary>Gemini failed for good: key refused, quota used up, model unavailable, reconnects given up.</summary>
    GeminiFailed = 1,
    /// <summary>The voice connection gave up reconnecting.</summary>
    VoiceLost = 2,
    /// <summary>The cluster no longer lists the session as this gateway's, and nobody else runs it.</summary>
    LeaseLost = 3,
    /// <summary>The guild's maximum session length was reached.</summary>
    TimeLimit = 4,
    /// <summary>Someone disconnected the bot from the voice channel.</summary>
    Disconnected = 5,
    /// <summary>The voice channel was deleted.</summary>
    ChannelDeleted = 6,
    /// <summary>The gateway process running the session shut down.</summary>
    GatewayStopped = 7,
    /// <summary>The guild's daily usage budget was spent.</summary>
    BudgetReached = 8,
}
