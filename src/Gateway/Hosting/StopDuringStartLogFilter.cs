using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// A SIGTERM that arrives while the host is still starting (no cluster or Discord reached yet) cancels the start, and
/// the host logs that as "Hosting failed to start" with the cancellation's stack trace. A requested stop is not a
/// failure: once stopping, the host's own errors are left out; everything else is logged as before.
/// </summary>
public sealed class StopDuringStartLogFilter
{
    private const string HostCategory = "Microsoft.Extensions.Hosting";

    // The token itself, not a callback on it: the cancelled start is logged from callbacks that run before any
    // callback registered here, while the token reads as cancelled from the first of them.
    private CancellationToken _stopping = new(canceled: false);

    public void AddTo(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        // A rule of its own for the host's category, at the usual Information, so no other category changes level.
        logging.AddFilter(HostCategory, level => level >= LogLevel.Information && !(level >= LogLevel.Error && _stopping.IsCancellationRequested));
    }

    public void Watch(IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        _stopping = lifetime.ApplicationStopping;
    }
}
