using System.Globalization;
using System.Net;
using Chorus.Grains.Settings;
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
/// Every setting of every host checked in one place before anything starts: a mistake ends the process with one
/// line naming the setting, the value given and what is allowed (exit code 2), never a stack trace deep inside
/// Orleans or Kestrel. Secrets are checked for shape only and never echoed.
/// </summary>
public static partial class StartupCheck
{
    public const int ExitCode = 2;

    /// <summary>The flag the container health checks use: probe the health endpoint (or a URL) and exit 0 (healthy) or 1.</summary>
    public const string HealthProbeFlag = "--health-probe";

    private const string Prefix = "Chorus cannot start: ";

    /// <summary>
    /// The settings each section accepts. Orleans and Logging are open: Orleans applies its own keys and rejects
    /// what it does not know itself.
    /// </summary>
    private static readonly Dictionary<string, string[]> KnownKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Chorus"] = ["Mode", "SiloPort", "GatewayPort"],
        ["Dashboard"] = ["Enabled", "BindAddress", "Port", "AllowNonLoopback"],
        ["Sessions"] = ["LeaseDuration", "RenewalInterval"],
        ["Storage"] = ["Sqlite:DataSource", "Sqlite:BusyTimeout"],
        ["Discord"] = ["Token", "ApiBaseUrl", "GatewayUrl", "ShardIds", "ShardCount", "DevelopmentGuildId", "AutoLeaveAfter"],
        ["Commands"] = ["DeferAfter", "VoiceJoinTimeout"],
        ["Gemini"] = ["ApiKey", "BaseUrl", "ApiVersion", "FallbackModels"],
        ["Bot"] = ["Persona", "VoiceName", "ModelId", "LanguageCode"],
        ["Gateway"] = ["Id"],
        ["Voice"] = ["UseTls"],
    };

    private static readonly string[] OpenSections = ["Orleans", "Logging"];

    private static readonly HashSet<string> SecretKeys = new(StringComparer.OrdinalIgnoreCase) { "Discord:Token", "Gemini:ApiKey" };

    /// <summary>One setting's rule: <paramref name="IsValid"/> sees the raw value whenever the setting is given.</summary>
    public sealed record Rule(string Key, HostedParts Parts, string Allowed, Func<string, bool> IsValid);

    private static readonly Rule[] Rules =
    [
        new("Chorus:Mode", HostedParts.Silo, "AllInOne or Silo", v => v.Equals("AllInOne", StringComparison.OrdinalIgnoreCase) || v.Equals("Silo", StringComparison.OrdinalIgnoreCase)),
        new("Chorus:SiloPort", HostedParts.Silo, "a TCP port from 1 to 65535", v => IsInt(v, 1, 65535)),
        new("Chorus:GatewayPort", HostedParts.Silo, "a TCP port from 1 to 65535", v => IsInt(v, 1, 65535)),
        new("Dashboard:Enabled", HostedParts.Silo, "true or false", IsBool),
        new("Dashboard:Port", HostedParts.Silo, "a TCP port from 0 to 65535 (0: any free port)", v => IsInt(v, 0, 65535)),
        new("Dashboard:BindAddress", HostedParts.Silo, "an IP address such as 127.0.0.1 or ::1", v => IPAddress.TryParse(v, out _)),
        new("Dashboard:AllowNonLoopback", HostedParts.Silo, "true or false", IsBool),
        new("Sessions:LeaseDuration", HostedParts.AllInOne, "a duration of at least 00:00:01 (hh:mm:ss)", v => IsDuration(v, TimeSpan.FromSeconds(1))),
        new("Sessions:RenewalInterval", HostedParts.AllInOne, "a positive duration (hh:mm:ss)", v => IsDuration(v, TimeSpan.FromTicks(1))),
        new("Storage:Sqlite:DataSource", HostedParts.Silo, "a file path", v => v.Trim().Length > 0 && v.IndexOfAny(Path.GetInvalidPathChars()) < 0),
        new("Storage:Sqlite:BusyTimeout", HostedParts.Silo, "a duration of zero or more (hh:mm:ss)", v => IsDuration(v, TimeSpan.Zero)),
        new("Discord:ApiBaseUrl", HostedParts.Gateway, "an absolute http(s) URL", v => IsUrl(v, "http", "https")),
        new("Discord:GatewayUrl", HostedParts.Gateway, "an absolute ws(s) URL, or empty", v => v.Length == 0 || IsUrl(v, "ws", "wss")),
        new("Discord:DevelopmentGuildId", HostedParts.Gateway, "a guild id (a positive whole number)", v => ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0),
        new("Discord:AutoLeaveAfter", HostedParts.Gateway, "a duration of zero or more (hh:mm:ss)", v => IsDuration(v, TimeSpan.Zero)),
        new("Discord:ShardIds", HostedParts.Gateway, "shard ids such as 0,1 or 0-3", v => IsShards(v, null)),
        new("Discord:ShardCount", HostedParts.Gateway, "a number of shards or auto", v => IsShards(null, v)),
        new("Commands:DeferAfter", HostedParts.Gateway, "a positive duration (hh:mm:ss)", v => IsDuration(v, TimeSpan.FromTicks(1))),
        new("Commands:VoiceJoinTimeout", HostedParts.Gateway, "a positive duration (hh:mm:ss)", v => IsDuration(v, TimeSpan.FromTicks(1))),
        new("Gemini:BaseUrl", HostedParts.Gateway, "an absolute ws(s) or http(s) URL", v => IsUrl(v, "ws", "wss", "http", "https")),
        new("Gemini:ApiVersion", HostedParts.Gateway, "an API version such as v1beta", v => ApiVersionPattern().IsMatch(v)),
        new("Bot:VoiceName", HostedParts.Silo, "one of " + string.Join(", ", PrebuiltVoices.All), PrebuiltVoices.IsKnown),
        new("Gateway:Id", HostedParts.Gateway, "a name without spaces (letters, digits, . _ -)", v => GatewayIdPattern().IsMatch(v)),
        new("Voice:UseTls", HostedParts.Gateway, "true or false", IsBool),
    ];

    /// <summary>
    /// The first problem with the command line and the configuration, as the one line to print, or null when
    /// everything is usable. Missing secrets are reported separately (<see cref="ChorusConfiguration.MissingSecrets"/>).
    /// </summary>
    /// <param name="args">The command line, to refuse options no host knows.</param>
    /// <param name="configuration">Every source merged: appsettings.json, .env, environment, command line.</param>
    /// <param name="parts">What the process hosts; settings of the other parts are not its business.</param>
    /// <param name="hostRules">Rules of settings only a host's own assemblies can judge (the silo's grain defaults).</param>
    public static string? FindProblem(
        IReadOnlyList<string> args, IConfiguration configuration, HostedParts parts, IEnumerable<Rule>? hostRules = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        return CheckArguments(args) ?? CheckSettings(configuration, parts, Rules.Concat(hostRules ?? []));
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
                    return Prefix + string.Join("; ", validation.Failures).ReplaceLineEndings(" ") + ".";
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

    private static string? CheckArguments(IReadOnlyList<string> args)
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
                return Prefix + $"unknown command-line argument '{Shorten(arg)}'; expected --Section:Key=value (see the README's Configuration table) or {HealthProbeFlag} [URL].";
            }

            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var key = equals >= 0 ? body[..equals] : body;
            if (equals < 0)
            {
                // "--Key value": the next argument is the value.
                i++;
            }

            if (!IsKnownKey(key))
            {
                return Prefix + $"unknown command-line option '--{Shorten(key)}'; expected --Section:Key=value with a setting from the README's Configuration table "
                    + $"(sections {string.Join(", ", KnownKeys.Keys.Concat(OpenSections))}) or {HealthProbeFlag} [URL].";
            }
        }
        return null;
    }

    private static bool IsKnownKey(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var section = key[..colon];
        if (OpenSections.Contains(section, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!KnownKeys.TryGetValue(section, out var keys))
        {
            return false;
        }

        var rest = key[(colon + 1)..];
        // Array settings (Gemini:FallbackModels:0) name an element below the key.
        return keys.Any(k => rest.Equals(k, StringComparison.OrdinalIgnoreCase) || rest.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase));
    }

    private static string? CheckSettings(IConfiguration configuration, HostedParts parts, IEnumerable<Rule> rules)
    {
        foreach (var rule in rules)
        {
            if ((rule.Parts & parts) == 0)
            {
                continue;
            }

            var value = configuration[rule.Key];
            if (value is not null && !rule.IsValid(value))
            {
                return Describe(rule.Key, value, rule.Allowed);
            }
        }

        if ((parts & HostedParts.AllInOne) != 0)
        {
            var lease = configuration.GetValue("Sessions:LeaseDuration", TimeSpan.FromSeconds(45));
            var renewal = configuration.GetValue("Sessions:RenewalInterval", TimeSpan.FromSeconds(15));
            if (renewal >= lease)
            {
                return Describe("Sessions:RenewalInterval", configuration["Sessions:RenewalInterval"] ?? renewal.ToString(),
                    $"a duration shorter than Sessions:LeaseDuration ({lease})");
            }
        }

        if ((parts & HostedParts.Silo) != 0 && CheckSilo(configuration) is { } siloProblem)
        {
            return siloProblem;
        }

        if ((parts & HostedParts.Gateway) != 0)
        {
            var token = configuration[WellKnownVariables.ToConfigurationKeys[WellKnownVariables.DiscordToken]];
            if (!string.IsNullOrWhiteSpace(token) && !IsBotTokenShape(token.Trim()))
            {
                return Prefix + $"{WellKnownVariables.DiscordToken} (Discord:Token) is not shaped like a bot token (value not shown); expected "
                    + "three base64url parts separated by dots, as copied from the Discord developer portal (application -> Bot -> Reset Token).";
            }
        }
        return null;
    }

    private static string? CheckSilo(IConfiguration configuration)
    {
        var bindAddress = configuration["Dashboard:BindAddress"] ?? "127.0.0.1";
        var dashboardEnabled = configuration.GetValue("Dashboard:Enabled", true);
        if (dashboardEnabled && IPAddress.TryParse(bindAddress, out var address) && !IPAddress.IsLoopback(address)
            && !configuration.GetValue("Dashboard:AllowNonLoopback", false))
        {
            return Describe("Dashboard:BindAddress", bindAddress,
                "a loopback address (127.0.0.1, ::1): the dashboard has no login; to listen on another address set Dashboard:AllowNonLoopback=true as well");
        }

        if (string.IsNullOrEmpty(configuration["Orleans:GrainStorage:Default:ProviderType"]))
        {
            var dataSource = configuration["Storage:Sqlite:DataSource"] ?? "data/chorus.db";
            var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            try
            {
                if (!string.IsNullOrEmpty(directory))
                {
                    Directory.CreateDirectory(directory);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                return Describe("Storage:Sqlite:DataSource", dataSource,
                    $"a file in a directory that exists or can be created ({directory} cannot be created: {e.Message.ReplaceLineEndings(" ").TrimEnd('.')})");
            }
        }
        return null;
    }

    private static string Describe(string key, string value, string allowed)
    {
        var name = WellKnownVariables.ToConfigurationKeys.FirstOrDefault(p => p.Value.Equals(key, StringComparison.OrdinalIgnoreCase)).Key;
        var setting = name is null ? key : $"{name} ({key})";
        var shown = SecretKeys.Contains(key) ? "(value not shown)" : $"'{Shorten(value)}'";
        return Prefix + $"{setting} = {shown} is not valid; expected {allowed}.";
    }

    private static string Shorten(string value)
    {
        var oneLine = value.ReplaceLineEndings(" ");
        return oneLine.Length <= 60 ? oneLine : string.Concat(oneLine.AsSpan(0, 60), "...");
    }

    private static bool IsBool(string value) => bool.TryParse(value, out _);

    private static bool IsInt(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max;

    private static bool IsDuration(string value, TimeSpan min) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration >= min;

    private static bool IsUrl(string value, params string[] schemes) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase);

    private static bool IsShards(string? ids, string? count)
    {
        try
        {
            Chorus.Discord.Gateway.ShardSetOptions.Parse(ids, count);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    private static partial System.Text.RegularExpressions.Regex BotTokenPattern();

    [System.Text.RegularExpressions.GeneratedRegex("^v[0-9][a-z0-9]*$")]
    private static partial System.Text.RegularExpressions.Regex ApiVersionPattern();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial System.Text.RegularExpressions.Regex GatewayIdPattern();
}
