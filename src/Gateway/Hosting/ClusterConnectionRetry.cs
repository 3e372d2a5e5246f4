using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// Keeps a gateway-only process trying to reach its cluster, saying so in one line every few seconds with what it
/// is using (where it looks for silos, service and cluster id), so a mismatch is visible instead of a wall of
/// Orleans connection warnings. Gives up only when the process is asked to stop.
/// </summary>
public sealed class ClusterConnectionRetry(IConfiguration configuration, TimeProvider time, ILogger<ClusterConnectionRetry> logger)
    : IClientConnectionRetryFilter
{
    /// <summary>Pause between attempts; Orleans itself would retry in a tight loop.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>How often the "cannot reach" line is repeated while the cluster stays out of reach.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(5);

    private long? _lastReport;
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        _attempts++;
        if (_lastReport is null || time.GetElapsedTime(_lastReport.Value) >= ReportEvery)
        {
            _lastReport = time.GetTimestamp();
            logger.LogWarning(
                "Cannot reach the Orleans cluster at {Where}, ServiceId {ServiceId}, ClusterId {ClusterId}, after {Attempts} attempt(s): {Reason}; "
                + "retrying every {Delay:0} s. Is a silo running with the same ids?",
                Where(configuration), configuration["Orleans:ServiceId"], configuration["Orleans:ClusterId"], _attempts,
                Innermost(exception).Message.ReplaceLineEndings(" "), RetryDelay.TotalSeconds);
        }

        try
        {
            await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    /// <summary>Where this client looks for silos; never a connection string, which may carry a password.</summary>
    public static string Where(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration["Orleans:Clustering:ProviderType"];
        return string.IsNullOrEmpty(provider)
            ? $"127.0.0.1:{configuration.GetValue("Chorus:GatewayPort", 30000)} (localhost clustering)"
            : $"the gateways listed by {provider} clustering (Orleans:Clustering:ConnectionString)";
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
