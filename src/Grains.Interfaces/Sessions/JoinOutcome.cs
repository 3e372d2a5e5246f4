namespace Chorus.Grains.Sessions;

[GenerateSerializer, Alias("chorus.JoinOutcome")]
public enum JoinOutcome
{
    /// <summary>A new session was planned.</summary>
    Started = 0,
    /// <summary>The same gateway asked for the channel it already has: nothing changed.</summary>
    AlreadyJoined = 1,
    /// <summary>The session moves to another channel of the same guild.</summary>
    Moved = 2,
    /// <summary>Another gateway holds a live lease; nothing changed.</summary>
    LeaseConflict = 3,
    /// <summary>A previous owner's lease expired and this gateway took the session over (resume with the handle).</summary>
    TookOver = 4,
    /// <summary>The cluster already runs as many Gemini sessions as it may; nothing changed.</summary>
    Full = 5,
    /// <summary>The guild's daily usage budget is spent; nothing changed.</summary>
    OverBudget = 6,
}
