using System.Collections;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Hosting.Logging;

/// <summary>
/// A logger whose lines are cleaned of protected text: the formatted message, each structured value, the exception's
/// text and the scopes. A line with nothing to clean goes through untouched.
/// </summary>
internal sealed class RedactingLogger(ILogger inner, LogRedactor redactor) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull =>
        state is LogScope ? inner.BeginScope(state) : inner.BeginScope(new RedactedScope(state, redactor));

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        var values = state as IReadOnlyList<KeyValuePair<string, object?>>;
        var exceptionText = exception?.ToString();
        if (!redactor.NeedsRedaction(message) && !ValuesNeedRedaction(values)
            && (exceptionText is null || !redactor.NeedsRedaction(exceptionText)))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        var cleaned = new RedactedState(redactor.Redact(message), values is null ? [] : [.. values.Select(v => Clean(v, redactor))]);
        var cleanedException = exceptionText is not null && redactor.NeedsRedaction(exceptionText)
            ? new RedactedException(redactor.Redact(exceptionText), redactor.Redact(exception!.Message))
            : exception;
        inner.Log(logLevel, eventId, cleaned, cleanedException, static (s, _) => s.Message);
    }

    private bool ValuesNeedRedaction(IReadOnlyList<KeyValuePair<string, object?>>? values)
    {
        if (values is null)
        {
            return false;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Value is { } value and not ValueType && redactor.NeedsRedaction(value.ToString()))
            {
                return true;
            }
        }

        return false;
    }

    internal static KeyValuePair<string, object?> Clean(KeyValuePair<string, object?> pair, LogRedactor redactor) =>
        pair.Value is { } value and not ValueType && value.ToString() is { } text && redactor.NeedsRedaction(text)
            ? new KeyValuePair<string, object?>(pair.Key, redactor.Redact(text))
            : pair;

    /// <summary>The cleaned line: its message, and its structured values for providers that write them (JSON).</summary>
    private sealed class RedactedState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => message;
    }

    /// <summary>
    /// A scope cleaned when it is written (most scopes are never written), for providers that print its text and
    /// those that enumerate its values.
    /// </summary>
    private sealed class RedactedScope(object state, LogRedactor redactor) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private IReadOnlyList<KeyValuePair<string, object?>> Values =>
            state is IEnumerable<KeyValuePair<string, object?>> values ? [.. values.Select(v => Clean(v, redactor))] : [];

        public int Count => Values.Count;

        public KeyValuePair<string, object?> this[int index] => Values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => redactor.Redact(state.ToString() ?? string.Empty);
    }

    /// <summary>Stands in for an exception whose text holds protected text: its whole text (type, message, stack), cleaned.</summary>
    private sealed class RedactedException(string text, string message) : Exception(message)
    {
        public override string? StackTrace => null;

        public override string ToString() => text;
    }
}
