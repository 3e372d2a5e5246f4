using Chorus.Sandbox.Scenario.Scenarios;

namespace Chorus.Sandbox;

/// <summary>
/// The sandbox's command line, parsed strictly: every option is known, every value checked, and a mistake is one
/// line that names it and says what is allowed.
/// </summary>
public static class SandboxCommandLine
{
    public static readonly string Usage = $$"""
        Usage: dotnet run --project src/Sandbox -- [options]

        The whole bot in one process, in a voice call with a scripted user, against emulated Discord and Gemini
        Live on loopback: /join, a few turns of talk (the last one talked over), /persona, /status, /leave.

        Options:
          --turns N                 how many things the scripted user says (1-20, default 3)
          --verbose                 also print the bot's log lines as they happen
          --Gemini:BaseUrl=URL      talk to this Live endpoint instead of the built-in emulator
                                    (e.g. wss://generativelanguage.googleapis.com)
          --Gemini:ApiKey=KEY       the key for --Gemini:BaseUrl (default: the GEMINI_API_KEY variable)
          --scenario NAME           run a scripted case instead of the conversation, ending with a
                                    PASS/FAIL line; one of {{SandboxScenarios.NameList}}
          --cluster                 run the bot as a cluster instead: two silos and the gateway gw-b in
                                    this process (Redis-free: Orleans development clustering, one SQLite
                                    store), and the gateway gw-a, which runs the conversation, as a child
                                    process (dotnet Chorus.Gateway.dll); gw-a is killed with SIGKILL
                                    between two turns, and the failover timeline is printed. Exit code 0
                                    when gw-b took the call over, Gemini resumed the same conversation
                                    and every turn was answered; 1 when not. --turns N (2-20) splits
                                    the turns before and after the kill. Product lease timings (10 s).
          --help                    print this and exit

        Exit code: 0 when every turn was answered and the bot left cleanly, 1 when not, 2 for a bad command
        line, 130 when stopped with Ctrl+C (the report so far is printed).
        """;

    private const string Allowed = "allowed: --turns N (1-20), --verbose, --Gemini:BaseUrl=URL, --Gemini:ApiKey=KEY, --scenario NAME, --cluster, --help";
    private const string BaseUrlOption = "--Gemini:BaseUrl";
    private const string ApiKeyOption = "--Gemini:ApiKey";

    /// <summary>What the command line asked for: options to run with, usage to print, or one line of error.</summary>
    public sealed record Outcome(SandboxOptions? Options, bool Help, string? Error);

    /// <param name="args">The command-line arguments.</param>
    /// <param name="environment">Where to look for GEMINI_API_KEY (null: the process environment).</param>
    public static Outcome Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new SandboxOptions();
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inlineValue) = Split(arg);
            switch (name)
            {
                case "--help" or "-h" or "-?" when inlineValue is null:
                    help = true;
                    break;
                case "--cluster" when inlineValue is null:
                    options = options with { Cluster = true };
                    break;
                case "--verbose" when inlineValue is null:
                    options = options with { Verbose = true };
                    break;
                case "--turns":
                    var turns = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (turns is null)
                    {
                        return Fail($"--turns needs a number: --turns N, with N from 1 to {SandboxOptions.MaxTurns}");
                    }

                    if (!int.TryParse(turns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
                        || count < 1 || count > SandboxOptions.MaxTurns)
                    {
                        return Fail($"--turns: '{turns}' is not allowed; give a whole number from 1 to {SandboxOptions.MaxTurns}");
                    }

                    options = options with { Turns = count };
                    break;
                case "--scenario":
                    var scenario = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (scenario is null || !SandboxScenarios.Exists(scenario))
                    {
                        return Fail($"--scenario: '{Shorten(scenario ?? "")}' is not allowed; give one of {SandboxScenarios.NameList}");
                    }

                    options = options with { Scenario = scenario };
                    break;
                case var _ when string.Equals(name, BaseUrlOption, StringComparison.OrdinalIgnoreCase):
                    var url = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("ws" or "wss" or "http" or "https"))
                    {
                        // The URL is the user's own text: it is shown only without its query, where a key could hide.
                        return Fail($"{BaseUrlOption}: '{WithoutQuery(url)}' is not allowed; give an absolute ws://, wss://, http:// or https:// URL");
                    }

                    options = options with { GeminiBaseUrl = baseUrl };
                    break;
                case var _ when string.Equals(name, ApiKeyOption, StringComparison.OrdinalIgnoreCase):
                    var key = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrWhiteSpace(key))
                    {
                        return Fail($"{ApiKeyOption} is empty; give the key: {ApiKeyOption}=KEY");
                    }

                    options = options with { GeminiApiKey = key };
                    break;
                case "--help" or "--verbose" or "--cluster":
                    return Fail($"{name} takes no value; {Allowed}");
                default:
                    // Only the name: whatever follows '=' may be a secret typed into the wrong option.
                    return Fail(name.StartsWith('-')
                        ? $"unknown option '{name}'; {Allowed}"
                        : $"unexpected argument '{Shorten(name)}'; {Allowed}");
            }
        }

        if (help)
        {
            return new Outcome(null, true, null);
        }

        if (options.Cluster && options.Scenario is not null)
        {
            return Fail("--cluster and --scenario are separate runs; give one of them");
        }

        if (options.Cluster && options.GeminiBaseUrl is not null)
        {
            return Fail($"--cluster scripts the built-in emulators; it does not take {BaseUrlOption}");
        }

        if (options.Cluster && options.Turns < 2)
        {
            return Fail("--cluster needs --turns 2 or more: at least one turn before the kill and one after");
        }

        if (options.Scenario is not null && options.GeminiBaseUrl is not null)
        {
            return Fail($"--scenario scripts the built-in emulators; it does not take {BaseUrlOption}");
        }

        if (options.GeminiApiKey is not null && options.GeminiBaseUrl is null)
        {
            return Fail($"{ApiKeyOption} is only for {BaseUrlOption}=URL (the built-in emulator needs no key)");
        }

        if (options.GeminiBaseUrl is not null && options.GeminiApiKey is null)
        {
            var fromEnvironment = (environment ?? Environment.GetEnvironmentVariable)("GEMINI_API_KEY");
            if (string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return Fail($"{BaseUrlOption} needs a key: {ApiKeyOption}=KEY or the GEMINI_API_KEY variable");
            }

            options = options with { GeminiApiKey = fromEnvironment };
        }

        return new Outcome(options, false, null);
    }

    private static Outcome Fail(string error) => new(null, false, "sandbox: " + error);

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static string WithoutQuery(string? url) =>
        url is null ? "" : Shorten(url.Split('?', 2)[0]);

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");
}
