using System.Net;
using Microsoft.Extensions.Configuration;

namespace Chorus.Gateway.Hosting;

/// <summary>Which parts of the bot a process hosts, and so which settings it reads.</summary>
[Flags]
public enum HostedParts
{
    Silo = 1,
    Gateway = 2,
    AllInOne = Silo | Gateway,
}

/// <summary>
/// Every setting of every host checked before anything starts, by the rules each section declares
/// (<see cref="SettingsSection"/>): a mistake ends the process with one line naming the setting, the value given and
/// what is allowed (exit code 2), never a stack trace deep inside Orleans or Kestrel. Secrets are checked for shape
/// only and never echoed.
/// </summary>
public static partial class StartupCheck
{
    public const int ExitCode = 2;

    /// <summary>The flag the container health checks use: probe the health endpoint (or a URL) and exit 0 (healthy) or 1.</summary>
    public const string HealthProbeFlag = "--health-probe";

    /// <summary>How every one-line start-up problem begins.</summary>
    public const string Prefix = "Chorus cannot start: ";

    /// <summary>Orleans and Logging are open: Orleans applies its own keys and rejects what it does not know itself.</summary>
    private static readonly string[] OpenSections = ["Orleans", "Logging"];

    /// <summary>The sections the gateway part reads: a gateway-only process knows these and no others.</summary>
    public static IReadOnlyList<SettingsSection> GatewaySections { get; } =
    [
        ChorusHostOptions.Settings,
        VoiceSessionSettings.Section,
        Commands.DiscordOptions.Settings,
        Commands.CommandOptions.Settings,
        GeminiClientOptions.Settings,
        GatewayOptions.Settings,
        VoiceTransportOptions.Settings,
        HealthOptions.Settings,
        MetricsOptions.Settings,
        ShardLeaseSettings.Section,
    ];

    /// <summary>
    /// The first problem with the command line and the configuration, as the one line to print, or null when
    /// everything is usable. Missing secrets are reported separately (<see cref="ChorusConfiguration.MissingSecrets"/>).
    /// </summary>
    /// <param name="args">The command line, to refuse options no section of this process knows.</param>
    /// <param name="configuration">Every source merged: appsettings.json, .env, environment, command line.</param>
    /// <param name="parts">What the process hosts; settings of the other parts are not its business.</param>
    /// <param name="sections">Every section this process reads.</param>
    public static string? FindProblem(
        IReadOnlyList<string> args, IConfiguration configuration, HostedParts parts, IReadOnlyList<SettingsSection> sections)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sections);
        var problem = CheckArguments(args, sections);
        foreach (var section in sections)
        {
            problem ??= section.FindProblem(configuration, parts);
        }

        return problem is null ? null : Prefix + problem;
    }

    /// <summary>The line for a Discord refusal of the token (HTTP 401 or gateway close 4004).</summary>
    public static string DescribeRejectedToken() =>
        Prefix + $"Discord refused {WellKnownVariables.DiscordToken} (Discord:Token): the token is wrong or was reset; " +
        $"get a new one from {WellKnownVariables.SecretSources[WellKnownVariables.DiscordToken]}.";

    /// <summary>
    /// The one line for an exception that ended the host's start because of the operator's input (a refused token,
    /// a setting an options validator rejected), or null for anything else, which stays a crash worth its trace.
    /// </summary>
    public static string? DescribeStartFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Chorus.Discord.Rest.DiscordRestException { Status: HttpStatusCode.Unauthorized }:
                case Chorus.Discord.Gateway.GatewayFatalException { CloseCode: 4004 }:
                    return DescribeRejectedToken();
                case Microsoft.Extensions.Options.OptionsValidationException validation:
                    return Prefix + string.Join(" ", validation.Failures.Distinct()).ReplaceLineEndings(" ");
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    return DescribeStartFailure(aggregate.InnerExceptions[0]);
                default:
                    break;
            }
        }
        return null;
    }

    /// <summary>A bot token: three base64url parts separated by dots (user id, timestamp, HMAC).</summary>
    public static bool IsBotTokenShape(string token) => BotTokenPattern().IsMatch(token);

    private static string? CheckArguments(IReadOnlyList<string> args, IReadOnlyList<SettingsSection> sections)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Equals(HealthProbeFlag, StringComparison.Ordinal))
            {
                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    i++;
                }

                continue;
            }

            var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg.StartsWith('/') ? arg[1..] : null;
            if (body is null)
            {
                return $"unknown command-line argument '{SettingRules.Shorten(arg)}'; expected --Section:Key=value (see the README's Configuration table) or {HealthProbeFlag} [URL].";
            }

            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var key = equals >= 0 ? body[..equals] : body;
            if (equals < 0)
            {
                // "--Key value": the next argument is the value.
                i++;
            }

            if (!IsKnownKey(key, sections))
            {
                return $"unknown command-line option '--{SettingRules.Shorten(key)}'; expected --Section:Key=value with a setting from the README's Configuration table "
                    + $"(sections {string.Join(", ", sections.Select(s => s.Name).Concat(OpenSections))}) or {HealthProbeFlag} [URL].";
            }
        }
        return null;
    }

    private static bool IsKnownKey(string key, IReadOnlyList<SettingsSection> sections)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var name = key[..colon];
        if (OpenSections.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        var rest = key[(colon + 1)..];
        return sections.Any(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && s.Knows(rest));
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    private static partial System.Text.RegularExpressions.Regex BotTokenPattern();
}
