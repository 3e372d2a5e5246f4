using Chorus.Gateway.Hosting.Logging;
using Chorus.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Tests.Hosting;

/// <summary>
/// The hosts' logging (<see cref="ChorusLogging.AddChorusLogging"/>): code that logs the token, the key or a persona by
/// mistake, in any part of a line (message, structured value, scope, exception), still writes none of them.
/// </summary>
public sealed class LogRedactionTests
{
    private const string Token = "MTIwMDAwMDAwMDAwMDAwMDAwMA.GhJkLm.secret-hmac-part-0123456789abcdefXYZ";
    private const string Key = "AIzaSyTestKey-0123456789abcdefghijklmnopq";
    private const string DefaultPersona = "You are the default persona of a test bot, terse and kind.";
    private const string GuildPersona = "You are a cheerful ship's captain. Answer in one short sentence.";

    [Fact]
    public void Secrets_logged_on_purpose_in_every_part_of_a_line_are_written_as_redacted()
    {
        using var host = new LoggingHost();
        var logger = host.Logger("Chorus.Tests.Careless");

        logger.LogInformation("Connecting with token {Token} and key {Key}", Token, Key);
        logger.LogInformation("Persona is " + DefaultPersona);
        logger.LogWarning(new InvalidOperationException($"Gemini refused key {Key}"), "Setup failed");
        using (logger.BeginScope("token {Token}", Token))
        {
            logger.LogInformation("inside a scope");
        }

        // Only the token's secret part, and a persona cut short by the code that logs it.
        logger.LogInformation("Token tail: {Tail}", Token[(Token.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        logger.LogInformation("Persona starts {Start}…", DefaultPersona[..30]);

        var text = host.Capture.Text;
        Assert.Equal(6, host.Capture.Entries.Count);
        Assert.DoesNotContain(Token[(Token.IndexOf('.', StringComparison.Ordinal) + 1)..][..16], text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..16], text, StringComparison.Ordinal);
        Assert.DoesNotContain(DefaultPersona[..16], text, StringComparison.Ordinal);
        Assert.Contains("Connecting with token [redacted] and key [redacted]", text, StringComparison.Ordinal);
        Assert.Contains("Gemini refused key [redacted]", text, StringComparison.Ordinal);
        Assert.Contains("scope: token [redacted]", text, StringComparison.Ordinal);
        Assert.Contains("Persona starts [redacted]…", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_persona_learned_at_run_time_is_redacted_from_then_on()
    {
        using var host = new LoggingHost();
        var logger = host.Logger("Chorus.Tests.Careless");

        host.Services.GetRequiredService<ILogRedaction>().Protect(GuildPersona);
        logger.LogDebug("Setup: {@Setup}", new { systemInstruction = GuildPersona, model = "gemini-3.8-live" });
        logger.LogInformation("Persona in two lines:\n{Persona}", GuildPersona);

        var text = host.Capture.Text;
        Assert.DoesNotContain(GuildPersona[..16], text, StringComparison.Ordinal);
        Assert.Contains("model = gemini-3.8-live", text, StringComparison.Ordinal);
        Assert.Contains("Persona in two lines:\n[redacted]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_without_secrets_keeps_its_structured_values_and_the_scopes_name_the_guild_and_session()
    {
        using var host = new LoggingHost();
        var logger = host.Logger("Chorus.Tests.Careful");

        using (LogScope.BeginSession(logger, 123456789, "0badf00d"))
        {
            logger.LogInformation("Guild {GuildId}: conversation active (model {Model})", 123456789L, "gemini-3.8-live");
        }

        var entry = Assert.Single(host.Capture.Entries);
        Assert.Equal("Guild 123456789: conversation active (model gemini-3.8-live)", entry.Message);
        Assert.Contains(new KeyValuePair<string, object?>("GuildId", 123456789L), entry.Values);
        Assert.Contains(new KeyValuePair<string, object?>("{OriginalFormat}", "Guild {GuildId}: conversation active (model {Model})"), entry.Values);
        Assert.Equal(["guild 123456789 session 0badf00d"], entry.Scopes);
        Assert.Contains(new KeyValuePair<string, object?>("SessionId", "0badf00d"), entry.ScopeValues);
    }

    [Fact]
    public void Short_texts_are_not_protected_so_they_cannot_blank_common_words_and_a_text_is_found_by_its_start()
    {
        var redactor = new LogRedactor();
        redactor.Protect("Be nice");
        redactor.ProtectSecret("abcdefgh-secret-value");

        Assert.Equal("Be nice, always", redactor.Redact("Be nice, always"));
        // Found by its first 16 characters: a text cut shorter than that is not recognised.
        Assert.Equal("x [redacted] y [redacted]! abcdefgh-secre", redactor.Redact("x abcdefgh-secret-value y abcdefgh-secret-v! abcdefgh-secre"));
    }

    /// <summary>A service provider with the hosts' logging and a provider that keeps every part of every line.</summary>
    private sealed class LoggingHost : IDisposable
    {
        private readonly ServiceProvider _services;

        public LoggingHost()
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Discord:Token"] = Token,
                ["Gemini:ApiKey"] = Key,
                ["Bot:Persona"] = DefaultPersona,
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging(logging =>
            {
                logging.AddChorusLogging(configuration);
                logging.ClearProviders();
                logging.AddProvider(Capture);
                logging.SetMinimumLevel(LogLevel.Trace);
            });
            _services = services.BuildServiceProvider();
        }

        public StructuredCapture Capture { get; } = new();

        public IServiceProvider Services => _services;

        public ILogger Logger(string category) => _services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

        public void Dispose() => _services.Dispose();
    }

    /// <summary>Keeps what a JSON console writes of each line: message, structured values, scopes (text and values), exception.</summary>
    private sealed class StructuredCapture : ILoggerProvider, ISupportExternalScope
    {
        private readonly Lock _lock = new();
        private readonly List<Entry> _entries = [];
        private IExternalScopeProvider? _scopes;

        public IReadOnlyList<Entry> Entries
        {
            get
            {
                lock (_lock)
                {
                    return [.. _entries];
                }
            }
        }

        public string Text => string.Join("\n", Entries.Select(e =>
            $"{e.Message} | {string.Join(", ", e.Values.Select(v => $"{v.Key}={v.Value}"))} | scope: {string.Join(" => ", e.Scopes)} "
            + $"| {string.Join(", ", e.ScopeValues.Select(v => $"{v.Key}={v.Value}"))} | {e.Exception}"));

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        public sealed record Entry(
            string Message, IReadOnlyList<KeyValuePair<string, object?>> Values, IReadOnlyList<string> Scopes,
            IReadOnlyList<KeyValuePair<string, object?>> ScopeValues, string? Exception);

        private sealed class Logger(StructuredCapture capture) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => capture._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                var scopeValues = new List<KeyValuePair<string, object?>>();
                capture._scopes?.ForEachScope(
                    (scope, _) =>
                    {
                        scopes.Add(scope?.ToString() ?? string.Empty);
                        if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                        {
                            scopeValues.AddRange(values);
                        }
                    },
                    (object?)null);
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToList() : [];
                lock (capture._lock)
                {
                    capture._entries.Add(new Entry(formatter(state, exception), values, scopes, scopeValues, exception?.ToString()));
                }
            }
        }
    }
}
