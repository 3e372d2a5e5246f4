using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Hosting.Logging;

/// <summary>
/// Wraps the process's logger factory so that every logger it hands out cleans its lines with <see cref="LogRedactor"/>
/// before any provider (console, JSON, OpenTelemetry, a test's capture) sees them. It sits in front of the factory rather
/// than of each provider, so the providers' own filter rules (by provider name) keep working.
/// </summary>
public sealed class RedactingLoggerFactory(ILoggerFactory inner, LogRedactor redactor) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, state) => new RedactingLogger(state.inner.CreateLogger(name), state.redactor), (inner, redactor));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}
