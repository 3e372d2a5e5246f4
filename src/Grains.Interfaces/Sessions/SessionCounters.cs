namespace Chorus.Grains.Sessions;

/// <summary>Additive counters of a conversation; gateways send deltas, the grain keeps totals.</summary>
[GenerateSerializer, Immutable, Alias("chorus.SessionCounters")]
public sealed record SessionCounters(
    [property: Id(0)] long Turns = 0,
    [property: Id(1)] long Interruptions = 0,
    [property: Id(2)] long Reconnects = 0,
    [property: Id(3)] double AudioSecondsIn = 0,
    [property: Id(4)] double AudioSecondsOut = 0,
    [property: Id(5)] long TokensIn = 0,
    [property: Id(6)] long TokensOut = 0)
{
    public static SessionCounters Zero { get; } = new();

    public SessionCounters Add(SessionCounters other) => new(
        Turns + other.Turns,
        Interruptions + other.Interruptions,
        Reconnects + other.Reconnects,
        AudioSecondsIn + other.AudioSecondsIn,
        AudioSecondsOut + other.AudioSecondsOut,
        TokensIn + other.TokensIn,
        TokensOut + other.TokensOut);
}
