using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Hosting.Logging;

/// <summary>
/// The ids every log line about a guild, a session or an interaction carries: structured values (GuildId, SessionId,
/// UserId, Command) for JSON and OpenTelemetry, and one short text for the console. Holds ids only, so the redaction
/// layer lets it through without looking.
/// </summary>
public sealed class LogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values;
    private readonly string _text;

    private LogScope(string text, params KeyValuePair<string, object?>[] values)
    {
        _text = text;
        _values = values;
    }

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    /// <summary>Everything logged in this flow is about <paramref name="guildId"/>.</summary>
    public static IDisposable? BeginGuild(ILogger logger, long guildId)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new LogScope(
            string.Create(CultureInfo.InvariantCulture, $"guild {guildId}"), Pair("GuildId", guildId)));
    }

    /// <summary>Everything logged in this flow (and the loops it starts) belongs to one conversation of the guild.</summary>
    public static IDisposable? BeginSession(ILogger logger, long guildId, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new LogScope(
            string.Create(CultureInfo.InvariantCulture, $"guild {guildId} session {sessionId}"), Pair("GuildId", guildId), Pair("SessionId", sessionId)));
    }

    /// <summary>Everything logged while a slash command runs: where, who, which command.</summary>
    public static IDisposable? BeginInteraction(ILogger logger, ulong guildId, ulong userId, string command)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new LogScope(
            string.Create(CultureInfo.InvariantCulture, $"guild {guildId} user {userId} /{command}"),
            Pair("GuildId", guildId), Pair("UserId", userId), Pair("Command", command)));
    }

    private static KeyValuePair<string, object?> Pair(string key, object value) => new(key, value);

    /// <summary>A short id for one conversation (a session of the guild's grain can run many times).</summary>
    public static string NewSessionId() => Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _text;
}
