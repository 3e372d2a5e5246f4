namespace Chorus.Gateway.Sessions;

/// <summary>
/// Where a running session is in its life, as this gateway process sees it. Only <see cref="RunningSession"/>
/// changes it, one event at a time.
/// </summary>
public enum SessionPhase
{
    /// <summary>Voice and Gemini are being connected.</summary>
    Joining,
    /// <summary>Both sides are up: audio flows.</summary>
    Live,
    /// <summary>The voice connection is resuming or rejoining; the Gemini conversation is kept.</summary>
    Recovering,
    /// <summary>An ending was decided: telling the users, leaving voice, closing Gemini, recording it.</summary>
    Ending,
    /// <summary>Over; see <see cref="RunningSession.Completion"/> for how.</summary>
    Ended,
}
