namespace Chorus.Grains.Sessions;

/// <summary>The plan a gateway follows after <see cref="IVoiceSessionGrain.JoinAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("chorus.JoinResult")]
public sealed record JoinResult(
    [property: Id(0)] JoinOutcome Outcome,
    [property: Id(1)] VoiceSessionSnapshot Session,
    [property: Id(2)] Settings.GuildSettings? Settings,
    [property: Id(3)] string? Error)
{
    public bool Accepted => Outcome is not (JoinOutcome.LeaseConflict or JoinOutcome.Full or JoinOutcome.OverBudget);
}
