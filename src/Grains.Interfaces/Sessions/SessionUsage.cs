namespace Chorus.Grains.Sessions;

/// <summary>
/// What a conversation used (turns, audio, tokens, estimated cost), additive: gateways send deltas, the session grain
/// keeps totals and the guild's usage grain today's and this month's. Domain data that is billed and shown (/usage,
/// /status), not telemetry. The alias is the type's old name, so that state stored before the rename is read back.
/// </summary>
/// <param name="Turns">Turns the model completed.</param>
/// <param name="Interruptions">Answers cut short by someone speaking.</param>
/// <param name="Reconnects">Gemini reconnects and session takeovers.</param>
/// <param name="AudioSecondsIn">User audio sent to Gemini.</param>
/// <param name="AudioSecondsOut">Bot audio received from Gemini.</param>
/// <param name="TokensIn">Prompt tokens billed (<c>promptTokenCount</c>: on the Live API every turn bills the whole context so far).</param>
/// <param name="TokensOut">Response tokens (<c>responseTokenCount</c>).</param>
/// <param name="PromptAudioTokens">The part of <paramref name="TokensIn"/> Gemini reported as AUDIO; the rest is priced as text.</param>
/// <param name="ResponseAudioTokens">The part of <paramref name="TokensOut"/> Gemini reported as AUDIO; the rest is priced as text.</param>
/// <param name="ThoughtsTokens">Thinking tokens (<c>thoughtsTokenCount</c>), billed as text output.</param>
/// <param name="EstimatedCostUsd">What the tokens cost by the silo's price table when they were recorded (the gateway sends 0).</param>
[GenerateSerializer, Immutable, Alias("chorus.SessionCounters")]
public sealed record SessionUsage(
    [property: Id(0)] long Turns = 0,
    [property: Id(1)] long Interruptions = 0,
    [property: Id(2)] long Reconnects = 0,
    [property: Id(3)] double AudioSecondsIn = 0,
    [property: Id(4)] double AudioSecondsOut = 0,
    [property: Id(5)] long TokensIn = 0,
    [property: Id(6)] long TokensOut = 0,
    [property: Id(7)] long PromptAudioTokens = 0,
    [property: Id(8)] long ResponseAudioTokens = 0,
    [property: Id(9)] long ThoughtsTokens = 0,
    [property: Id(10)] decimal EstimatedCostUsd = 0)
{
    public static SessionUsage Zero { get; } = new();

    /// <summary>Prompt tokens priced at the text rate (everything Gemini did not report as audio).</summary>
    public long PromptTextTokens => TokensIn - PromptAudioTokens;

    /// <summary>Output tokens priced at the text rate: non-audio response tokens and thinking.</summary>
    public long ResponseTextTokens => TokensOut - ResponseAudioTokens + ThoughtsTokens;

    public SessionUsage Add(SessionUsage other) => new(
        Turns + other.Turns,
        Interruptions + other.Interruptions,
        Reconnects + other.Reconnects,
        AudioSecondsIn + other.AudioSecondsIn,
        AudioSecondsOut + other.AudioSecondsOut,
        TokensIn + other.TokensIn,
        TokensOut + other.TokensOut,
        PromptAudioTokens + other.PromptAudioTokens,
        ResponseAudioTokens + other.ResponseAudioTokens,
        ThoughtsTokens + other.ThoughtsTokens,
        EstimatedCostUsd + other.EstimatedCostUsd);
}
