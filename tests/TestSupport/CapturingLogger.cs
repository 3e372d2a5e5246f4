using Microsoft.Extensions.Logging;

namespace Chorus.TestSupport;

/// <summary>
/// Keeps every log entry as one line (level, category, message, structured values, exception text) so tests can
/// search what was written, above all for leaked secrets. Add it to a host's logging, or hand out its loggers.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];

    /// <summary>Every entry written so far through any logger of this provider, oldest first.</summary>
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

    /// <summary>Notified after each captured entry: wait on it for something the code under test logs.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>All lines as one text, for a plain Contains check.</summary>
    public string Text => string.Join('\n', Lines);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    internal void Add(string line)
    {
        lock (_lock)
        {
            _lines.Add(line);
        }
        Changed.Notify();
    }
}

/// <summary>A logger that captures into a <see cref="CapturingLoggerProvider"/> (its own one unless given).</summary>
public class CapturingLogger : ILogger
{
    private readonly CapturingLoggerProvider _provider;
    private readonly string _category;

    public CapturingLogger()
        : this(new CapturingLoggerProvider(), "")
    {
    }

    public CapturingLogger(CapturingLoggerProvider provider, string category)
    {
        _provider = provider;
        _category = category;
    }

    /// <summary>Every entry captured by this logger's provider.</summary>
    public IReadOnlyList<string> Lines => _provider.Lines;

    /// <summary>Notified after each entry this logger's provider captured.</summary>
    public ChangeSignal Changed => _provider.Changed;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var line = $"{logLevel} {_category}: {formatter(state, exception)}";
        // The structured values too: a secret passed as a parameter the template leaves out must still be found.
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            line += " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"));
        }

        if (exception is not null)
        {
            line += " " + exception;
        }

        _provider.Add(line);
    }
}

/// <summary>A <see cref="CapturingLogger"/> for code that asks for an <see cref="ILogger{TCategoryName}"/>.</summary>
public sealed class CapturingLogger<T> : CapturingLogger, ILogger<T>
{
    public CapturingLogger()
        : base(new CapturingLoggerProvider(), typeof(T).FullName ?? typeof(T).Name)
    {
    }
}
