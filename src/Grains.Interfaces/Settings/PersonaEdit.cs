namespace Chorus.Grains.Settings;

/// <summary>
/// One change of a guild's persona, kept for audit: who, when, and the persona's length before and after (in
/// characters). Never the text itself: a persona may hold what a server would not want in an audit trail or a log.
/// </summary>
/// <param name="UserId">Who changed it.</param>
/// <param name="At">When.</param>
/// <param name="OldLength">The length of the persona in effect before (the default's when none was set).</param>
/// <param name="NewLength">The length of the persona in effect after.</param>
/// <param name="Reset">The change went back to the bot's default persona.</param>
[GenerateSerializer, Immutable, Alias("chorus.PersonaEdit")]
public sealed record PersonaEdit(
    [property: Id(0)] ulong UserId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int OldLength,
    [property: Id(3)] int NewLength,
    [property: Id(4)] bool Reset);
