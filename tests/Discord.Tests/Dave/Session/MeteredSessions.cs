using Chorus.Diagnostics;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Tests.Dave.Session;

/// <summary>DAVE sessions each with a meter of its own, so that one session's counts can be read apart from the others'.</summary>
internal sealed class MeteredSessions : IDisposable
{
    private readonly Dictionary<DaveSession, MeterTotals> _totals = [];

    public DaveSession Create(ulong userId, ulong channelId, ILogger<DaveSession>? logger = null, TimeProvider? time = null)
    {
        var metrics = new DiscordMetrics();
        var totals = new MeterTotals(metrics.Meter);
        var session = new DaveSession(userId, channelId, logger, time, metrics);
        lock (_totals)
        {
            _totals[session] = totals;
        }
        return session;
    }

    /// <summary>What <paramref name="session"/> counted.</summary>
    public MeterTotals Of(DaveSession session)
    {
        lock (_totals)
        {
            return _totals[session];
        }
    }

    public void Dispose()
    {
        lock (_totals)
        {
            foreach (var totals in _totals.Values)
            {
                totals.Dispose();
            }
        }
    }
}
