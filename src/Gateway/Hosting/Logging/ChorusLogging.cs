using Chorus.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Hosting.Logging;

/// <summary>How every Chorus host logs: scopes on the console, the format chosen by configuration, and redaction.</summary>
public static class ChorusLogging
{
    /// <summary>
    /// The console shows each line's scopes (guild, session, shard, interaction); <c>Logging:Console:FormatterName</c>
    /// chooses <c>simple</c> (the default) or <c>json</c> (one JSON object per line, scopes as values). Every logger the
    /// process creates goes through <see cref="LogRedactor"/>, which knows the Discord token, the Gemini key and the
    /// default persona from <paramref name="configuration"/>, and learns each guild's persona where it is read.
    /// </summary>
    public static ILoggingBuilder AddChorusLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        var includeScopes = configuration.GetValue("Logging:Console:FormatterOptions:IncludeScopes", true);
        logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = includeScopes;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = includeScopes;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        var formatter = configuration["Logging:Console:FormatterName"];
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = string.IsNullOrWhiteSpace(formatter) ? ConsoleFormatterNames.Simple : formatter);

        var redactor = new LogRedactor();
        var token = configuration[WellKnownVariables.ToConfigurationKeys[WellKnownVariables.DiscordToken]];
        redactor.ProtectSecret(token);
        // A bot token is "<base64 id>.<timestamp>.<hmac>": the part after the id is what must not leak on its own.
        if (token?.IndexOf('.', StringComparison.Ordinal) is int dot and >= 0)
        {
            redactor.ProtectSecret(token[(dot + 1)..]);
        }

        redactor.ProtectSecret(configuration[WellKnownVariables.ToConfigurationKeys[WellKnownVariables.GeminiApiKey]]);
        redactor.Protect(configuration[WellKnownVariables.ToConfigurationKeys["BOT_PERSONALITY"]]);
        logging.Services.AddSingleton(redactor);
        logging.Services.AddSingleton<ILogRedaction>(redactor);
        logging.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(
            new LoggerFactory(
                sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>()),
            redactor)));
        return logging;
    }
}
