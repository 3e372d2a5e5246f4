using System.Diagnostics.Metrics;
using Chorus.Discord.Diagnostics;
using Chorus.Gemini.Diagnostics;

namespace Chorus.Gateway.Diagnostics;

/// <summary>
/// Every instrument set of the bot, created once per host from its <see cref="IMeterFactory"/> (meters Chorus.Discord,
/// Chorus.Gemini, Chorus.Gateway) and handed to the connections the host builds.
/// </summary>
public sealed class ChorusMetrics
{
    /// <summary>The meter names a host exports (with Chorus.Usage, counted elsewhere, they make "Chorus.*").</summary>
    public static IReadOnlyList<string> MeterNames { get; } = [DiscordMetrics.MeterName, GeminiMetrics.MeterName, GatewayMetrics.MeterName];

    public ChorusMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Discord = new DiscordMetrics(meterFactory);
        Gemini = new GeminiMetrics(meterFactory);
        Gateway = new GatewayMetrics(meterFactory);
    }

    private ChorusMetrics()
    {
        Discord = DiscordMetrics.Default;
        Gemini = GeminiMetrics.Default;
        Gateway = GatewayMetrics.Default;
    }

    /// <summary>The libraries' shared sets, for callers that give none (tests, tools).</summary>
    public static ChorusMetrics Default { get; } = new();

    public DiscordMetrics Discord { get; }

    public GeminiMetrics Gemini { get; }

    public GatewayMetrics Gateway { get; }
}
