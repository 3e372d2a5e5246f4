using System.Globalization;
using System.Text;
using Chorus.Emulators.Gemini;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Grains.Usage;

namespace Chorus.Gateway.Tests.Usage;

/// <summary>
/// The figure "tokens and estimated cost per conversation-minute, with and without compression": a 30-minute
/// conversation replayed through the emulator's context model (what each turn bills on the Live API: the whole
/// context) and priced with the default price table. Runs in milliseconds; <c>CHORUS_USAGE_REPORT=file</c> writes
/// the table as Markdown (the README's figure comes from it).
/// </summary>
public sealed class CompressionCostFigureTests(ITestOutputHelper output)
{
    public const string ReportVariable = "CHORUS_USAGE_REPORT";

    /// <summary>A turn: 6 s of speech, an 8 s answer, a second's pause after each: 4 turns a minute, 120 in 30 minutes.</summary>
    private static readonly TimeSpan Speech = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(8);
    private const int TurnsPerMinute = 4;
    private const int Minutes = 30;

    private static readonly (string Name, bool Enabled, long? Trigger, long? Target)[] Settings =
    [
        ("no compression", false, null, null),
        ("server default (trigger 80% of 131,072)", true, null, null),
        ("TriggerTokens 32,000, TargetTokens 16,000", true, 32_000, 16_000),
        ("TriggerTokens 16,000, TargetTokens 8,000", true, 16_000, 8_000),
    ];

    [Fact]
    public void Compression_bounds_what_each_turn_bills_and_the_figure_is_written()
    {
        var runs = Settings.Select(s => (s.Name, Turns: Converse(s.Enabled, s.Trigger, s.Target))).ToList();
        var none = runs[0].Turns;
        var serverDefault = runs[1].Turns;
        var at16k = runs[3].Turns;

        // Without compression each turn bills everything said so far: the last prompt is the whole conversation.
        var perTurn = EmulatedContextWindow.InputAudioTokens(Speech) + EmulatedContextWindow.OutputAudioTokens(Answer);
        Assert.Equal(EmulatedContextWindow.TextTokens(BotDefaultsOptions.DefaultPersona) + (none.Count - 1) * perTurn
            + EmulatedContextWindow.InputAudioTokens(Speech), none[^1].TokensIn);
        // The server's default trigger is never reached in 30 minutes: the same bill as none.
        Assert.Equal(none.Sum(t => t.TokensIn), serverDefault.Sum(t => t.TokensIn));
        // A 16k trigger holds every prompt at or under it, and the bill well under the uncompressed one.
        Assert.All(at16k, t => Assert.True(t.TokensIn <= 16_000, $"{t.TokensIn} tokens billed in one turn"));
        Assert.True(Cost(at16k) < Cost(none) * 0.6m, $"{Cost(at16k)} vs {Cost(none)}");

        var figure = Figure(runs);
        output.WriteLine(figure);
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path)
        {
            File.WriteAllText(path, figure);
        }
    }

    /// <summary>The tokens each turn of the conversation bills, as the gateway counts them from <c>usageMetadata</c>.</summary>
    private static List<SessionUsage> Converse(bool compression, long? trigger, long? target)
    {
        var context = new EmulatedContextWindow();
        context.Configure(compression, trigger, target);
        context.SetSystemInstruction(BotDefaultsOptions.DefaultPersona);
        var turns = new List<SessionUsage>();
        for (var i = 0; i < Minutes * TurnsPerMinute; i++)
        {
            var usage = context.CompleteTurn(EmulatedContextWindow.InputAudioTokens(Speech), EmulatedContextWindow.OutputAudioTokens(Answer));
            turns.Add(new SessionUsage(
                Turns: 1, AudioSecondsIn: Speech.TotalSeconds, AudioSecondsOut: Answer.TotalSeconds,
                TokensIn: usage.PromptTokens, TokensOut: usage.ResponseAudioTokens,
                PromptAudioTokens: usage.PromptAudioTokens, ResponseAudioTokens: usage.ResponseAudioTokens));
        }

        return turns;
    }

    private static decimal Cost(IEnumerable<SessionUsage> turns) => new UsagePrices().CostOf(turns.Aggregate(SessionUsage.Zero, (a, b) => a.Add(b)));

    private static string Figure(List<(string Name, List<SessionUsage> Turns)> runs)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(invariant, $"30-minute conversation, {TurnsPerMinute} turns a minute ({Speech.TotalSeconds:0} s of speech, {Answer.TotalSeconds:0} s answers), default persona, prices of {UsagePrices.DefaultsDate}:");
        text.AppendLine();
        text.AppendLine("| compression | input tokens billed in minute 1 / 10 / 20 / 30 | per conversation-minute (30-min average): tokens in / out | estimated cost in minute 1 / 30 | per conversation-minute | 30 minutes |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var (name, turns) in runs)
        {
            var minutes = turns.Chunk(TurnsPerMinute).Select(m => m.Aggregate(SessionUsage.Zero, (a, b) => a.Add(b))).ToList();
            var total = minutes.Aggregate(SessionUsage.Zero, (a, b) => a.Add(b));
            var prices = new UsagePrices();
            text.AppendLine(invariant,
                $"| {name} | {minutes[0].TokensIn:N0} / {minutes[9].TokensIn:N0} / {minutes[19].TokensIn:N0} / {minutes[29].TokensIn:N0} " +
                $"| {total.TokensIn / Minutes:N0} / {total.TokensOut / Minutes:N0} " +
                $"| ${prices.CostOf(minutes[0]):0.0000} / ${prices.CostOf(minutes[29]):0.0000} " +
                $"| ${prices.CostOf(total) / Minutes:0.0000} | ${prices.CostOf(total):0.00} |");
        }

        return text.ToString();
    }
}
