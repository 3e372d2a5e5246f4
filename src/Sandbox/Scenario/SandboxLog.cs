namespace Chorus.Sandbox.Scenario;

/// <summary>
/// Where the bot's log lines go in the sandbox: printed as they happen with <c>--verbose</c>; otherwise only its
/// warnings and errors are kept, counted, for the report. In a normal run there are none: any is a bug.
/// </summary>
public sealed class SandboxLog : ILoggerProvider
{
    // Orleans' watchdog reports a stall when its threads did not run for two seconds, and its scheduler a grain turn
    // that took over 200 ms of wall time: on a starved machine (seen at a load average of 45 on 2 cores) that is the
    // machine, not the bot, so both are reported apart from the bot's warnings, as stalls.
    private const string WatchdogCategory = "Orleans.Runtime.Watchdog";
    private const string SchedulerCategory = "Orleans.Runtime.Scheduler.WorkItemGroup";

    private readonly TextWriter? _echo;
    private readonly TimeProvider _time;
    private readonly long _createdAt;
    private readonly Lock _lock = new();
    private int _problems;
    private string? _firstProblem;
    private int _stalls;
    private TimeSpan _longestStall;

    /// <param name="echo">Where to print every line (<c>--verbose</c>); null keeps only warnings and errors, silently.</param>
    /// <param name="time">The clock for the printed times and the stall check.</param>
    public SandboxLog(TextWriter? echo, TimeProvider? time = null)
    {
        _echo = echo;
        _time = time ?? TimeProvider.System;
        _createdAt = _time.GetTimestamp();
    }

    public bool Verbose => _echo is not null;

    /// <summary>Warnings and errors the bot logged (Orleans' stall reports aside).</summary>
    public int Problems
    {
        get
        {
            lock (_lock)
            {
                return _problems;
            }
        }
    }

    /// <summary>The first of <see cref="Problems"/>, one line: level, category, message and the exception's type.</summary>
    public string? FirstProblem
    {
        get
        {
            lock (_lock)
            {
                return _firstProblem;
            }
        }
    }

    /// <summary>How often Orleans' watchdog saw this process stalled (machine load), and the longest stall.</summary>
    public (int Count, TimeSpan Longest) Stalls
    {
        get
        {
            lock (_lock)
            {
                return (_stalls, _longestStall);
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write<TState>(string category, LogLevel level, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        var stall = category is WatchdogCategory or SchedulerCategory ? StallOf(state) : null;
        if (stall is { } stalled && stalled > _time.GetElapsedTime(_createdAt))
        {
            // Orleans' watchdog starts its platform thread before it stamps the component thread's first check,
            // so a loaded machine can run the first check against timestamp 0 and report the machine's uptime as a
            // stall. A stall longer than this process has lived is that race, not a stall: dropped.
            _echo?.WriteLine($"{_time.GetElapsedTime(_createdAt).TotalSeconds,6:0.0} s  log    (ignored: Orleans watchdog measured from timestamp 0) {message}");
            return;
        }

        lock (_lock)
        {
            if (stall is { } real && level >= LogLevel.Warning)
            {
                _stalls++;
                _longestStall = real > _longestStall ? real : _longestStall;
            }
            else if (level >= LogLevel.Warning)
            {
                _problems++;
                _firstProblem ??= $"{level} {category}: {OneLine(message)}{(exception is null ? "" : $" ({exception.GetType().Name}: {OneLine(exception.Message)})")}";
            }
        }

        if (_echo is { } echo)
        {
            var at = _time.GetElapsedTime(_createdAt).TotalSeconds;
            echo.WriteLine($"{at,6:0.0} s  log    {Short(level)} {category}: {message}");
            if (exception is not null)
            {
                echo.WriteLine(exception.ToString());
            }
        }
    }

    private static TimeSpan? StallOf<TState>(TState state)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            foreach (var (_, value) in values)
            {
                if (value is TimeSpan elapsed)
                {
                    return elapsed;
                }
            }
        }

        return null;
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 300 ? line : string.Concat(line.AsSpan(0, 300), "…");
    }

    private static string Short(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "FAIL",
        LogLevel.Critical => "CRIT",
        _ => "    ",
    };

    private sealed class CategoryLogger(SandboxLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write(category, logLevel, state, exception, formatter);
            }
        }
    }
}
