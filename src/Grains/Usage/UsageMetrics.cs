using System.Diagnostics.Metrics;
using Chorus.Grains.Sessions;

namespace Chorus.Grains.Usage;

/// <summary>
/// The usage and cost instruments (meter "Chorus.Usage"), recorded where usage is priced: in the session grains, as
/// gateways report it. Cluster-wide figures only; per-guild numbers are in the guild usage grains (/usage), not in
/// metric labels, which would grow with every guild.
/// </summary>
public sealed class UsageMetrics
{
    public const string MeterName = "Chorus.Usage";

    private readonly Counter<long> _tokens;
    private readonly Counter<double> _cost;
    private readonly Counter<double> _audio;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _budgetEnds;

    public UsageMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _tokens = meter.CreateCounter<long>("chorus.gemini.tokens", "{token}", "Gemini tokens billed, by direction (gen_ai.token.type) and modality.");
        _cost = meter.CreateCounter<double>("chorus.gemini.cost", "USD", "Estimated Gemini cost by the configured price table.");
        _audio = meter.CreateCounter<double>("chorus.gemini.audio.duration", "s", "Audio sent to Gemini (input) and received from it (output).");
        _refused = meter.CreateCounter<long>("chorus.sessions.refused", "{session}", "Joins refused by admission control, by reason.");
        _budgetEnds = meter.CreateCounter<long>("chorus.sessions.budget_reached", "{session}", "Sessions told to end because their guild's daily budget was spent.");
    }

    public void Record(SessionUsage priced)
    {
        ArgumentNullException.ThrowIfNull(priced);
        Add(_tokens, priced.PromptAudioTokens, "input", "audio");
        Add(_tokens, priced.PromptTextTokens, "input", "text");
        Add(_tokens, priced.ResponseAudioTokens, "output", "audio");
        Add(_tokens, priced.ResponseTextTokens, "output", "text");
        if (priced.EstimatedCostUsd > 0)
        {
            _cost.Add((double)priced.EstimatedCostUsd);
        }

        if (priced.AudioSecondsIn > 0)
        {
            _audio.Add(priced.AudioSecondsIn, new KeyValuePair<string, object?>("gen_ai.token.type", "input"));
        }

        if (priced.AudioSecondsOut > 0)
        {
            _audio.Add(priced.AudioSecondsOut, new KeyValuePair<string, object?>("gen_ai.token.type", "output"));
        }
    }

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("chorus.refusal", reason));

    public void BudgetReached() => _budgetEnds.Add(1);

    private static void Add(Counter<long> counter, long value, string direction, string modality)
    {
        if (value > 0)
        {
            counter.Add(value, new KeyValuePair<string, object?>("gen_ai.token.type", direction), new KeyValuePair<string, object?>("chorus.modality", modality));
        }
    }
}
