using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Tests;

/// <summary>Keeps every formatted log line (and exception text) so tests can search them for secrets.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _lines.Enqueue($"{logLevel} {formatter(state, exception)} {exception}");
    }
}
