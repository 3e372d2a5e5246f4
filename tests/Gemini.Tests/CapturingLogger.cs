using Microsoft.Extensions.Logging;

namespace Chorus.Gemini.Tests;

/// <summary>Keeps every formatted log line (with exception text) so tests can look for leaked secrets.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel}: {formatter(state, exception)} {exception}";
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            line += " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"));
        }

        lock (_lock)
        {
            _lines.Add(line);
        }
    }
}
