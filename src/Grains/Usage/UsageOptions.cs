namespace Chorus.Grains.Usage;

/// <summary>Prices, budgets and the session cap (configuration section "Usage"), read by the silo's grains.</summary>
public sealed class UsageOptions
{
    public const string SectionName = "Usage";

    /// <summary>What one million tokens cost; the defaults are Google's published Live API prices (see <see cref="UsagePrices"/>).</summary>
    public UsagePrices Prices { get; set; } = new();

    /// <summary>Every guild's daily budget in US dollars of estimated cost; null: no budget.</summary>
    public decimal? DailyBudgetUsd { get; set; }

    /// <summary>Budgets of single guilds (key: the guild id), overriding <see cref="DailyBudgetUsd"/>.</summary>
    public Dictionary<string, decimal> GuildDailyBudgetsUsd { get; set; } = [];

    /// <summary>Gemini sessions the whole cluster runs at once; null: no cap.</summary>
    public int? MaxConcurrentSessions { get; set; }

    public decimal? DailyBudgetFor(long guildId) =>
        GuildDailyBudgetsUsd.TryGetValue(guildId.ToString(System.Globalization.CultureInfo.InvariantCulture), out var budget) ? budget : DailyBudgetUsd;
}

/// <summary>
/// US dollars per million tokens, by direction and modality. Defaults: Google's paid-tier prices for gemini-3.8-live
/// (the default model), https://ai.google.dev/gemini-api/docs/pricing as listed on 2026-12-07: text input $0.75, audio
/// input $3.00, text output $4.50, audio output $12.00. A deployment on another model or tier sets its own.
/// Thinking tokens are billed as text output; on the Live API every turn bills the whole context window as input.
/// </summary>
public sealed class UsagePrices
{
    /// <summary>The day the defaults were read from Google's price page.</summary>
    public const string DefaultsDate = "2026-12-07";

    public decimal InputTextPerMillion { get; set; } = 0.75m;

    public decimal InputAudioPerMillion { get; set; } = 3.00m;

    public decimal OutputTextPerMillion { get; set; } = 4.50m;

    public decimal OutputAudioPerMillion { get; set; } = 12.00m;

    /// <summary>The estimated cost of <paramref name="counters"/>' tokens.</summary>
    public decimal CostOf(Sessions.SessionUsage counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        return (counters.PromptTextTokens * InputTextPerMillion
                + counters.PromptAudioTokens * InputAudioPerMillion
                + counters.ResponseTextTokens * OutputTextPerMillion
                + counters.ResponseAudioTokens * OutputAudioPerMillion) / 1_000_000m;
    }

    /// <summary><paramref name="delta"/> with its estimated cost.</summary>
    public Sessions.SessionUsage Priced(Sessions.SessionUsage delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return delta with { EstimatedCostUsd = CostOf(delta) };
    }
}
