using Chorus.Sandbox;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>The sandbox's command line: strict, one line per mistake, exit code 2.</summary>
public sealed class SandboxCommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData(new[] { "--verbos" }, "unknown option '--verbos'")]
    [InlineData(new[] { "--turns" }, "--turns needs a number")]
    [InlineData(new[] { "--turns", "0" }, "--turns: '0' is not allowed; give a whole number from 1 to 20")]
    [InlineData(new[] { "--turns", "21" }, "--turns: '21' is not allowed")]
    [InlineData(new[] { "--turns=three" }, "--turns: 'three' is not allowed")]
    [InlineData(new[] { "--turns", "-1" }, "--turns: '-1' is not allowed")]
    [InlineData(new[] { "--verbose=yes" }, "--verbose takes no value")]
    [InlineData(new[] { "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "--Gemini:BaseUrl=not a url" }, "--Gemini:BaseUrl: 'not a url' is not allowed")]
    [InlineData(new[] { "--Gemini:BaseUrl=ftp://example.test" }, "--Gemini:BaseUrl: 'ftp://example.test' is not allowed")]
    [InlineData(new[] { "--Gemini:BaseUrl=wss://example.test" }, "--Gemini:BaseUrl needs a key")]
    [InlineData(new[] { "--Gemini:ApiKey=k" }, "--Gemini:ApiKey is only for --Gemini:BaseUrl=URL")]
    [InlineData(new[] { "--scenario", "goaways" }, "--scenario: 'goaways' is not allowed; give one of gemini-flaky, gemini-key-revoked, goaway, session-limit, voice-drop")]
    [InlineData(new[] { "--scenario" }, "--scenario: '' is not allowed")]
    [InlineData(new[] { "--scenario=goaway", "--Gemini:BaseUrl=wss://example.test", "--Gemini:ApiKey=k" }, "--scenario scripts the built-in emulators")]
    [InlineData(new[] { "--scenario=voice-dorp" }, "--scenario: 'voice-dorp' is not allowed")]
    [InlineData(new[] { "--cluster=yes" }, "--cluster takes no value")]
    [InlineData(new[] { "--cluster", "--scenario=goaway" }, "--cluster and --scenario are separate runs")]
    [InlineData(new[] { "--cluster", "--Gemini:BaseUrl=wss://example.test", "--Gemini:ApiKey=k" }, "--cluster scripts the built-in emulators")]
    [InlineData(new[] { "--cluster", "--turns", "1" }, "--cluster needs --turns 2 or more")]
    public async Task A_bad_command_line_is_one_line_naming_the_mistake_and_what_is_allowed_and_exit_code_2(string[] args, string expected)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await RunWithoutKeyAsync(args, output, error);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output.ToString());
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("sandbox: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_option_lists_every_allowed_one()
    {
        var error = SandboxCommandLine.Parse(["--bogus"], NoEnvironment).Error;

        Assert.Equal(
            "sandbox: unknown option '--bogus'; allowed: --turns N (1-20), --verbose, --Gemini:BaseUrl=URL, --Gemini:ApiKey=KEY, --scenario NAME, --cluster, --help",
            error);
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "--scenario", "voice-drop" }, "voice-drop")]
    [InlineData(new[] { "--scenario=goaway" }, "goaway")]
    public void A_scenario_is_chosen_by_name(string[] args, string? scenario)
    {
        var outcome = SandboxCommandLine.Parse(args, NoEnvironment);

        Assert.Null(outcome.Error);
        Assert.Equal(scenario, outcome.Options!.Scenario);
    }

    [Theory]
    [InlineData(new[] { "--cluster" }, 3)]
    [InlineData(new[] { "--turns", "4", "--cluster" }, 4)]
    public void The_cluster_run_is_chosen_by_its_flag(string[] args, int turns)
    {
        var outcome = SandboxCommandLine.Parse(args, NoEnvironment);

        Assert.Null(outcome.Error);
        Assert.True(outcome.Options!.Cluster);
        Assert.Null(outcome.Options.Scenario);
        Assert.Equal(turns, outcome.Options.Turns);
        Assert.True(outcome.Options.ClusterSurvivorTakesOver);
    }

    [Fact]
    public void A_value_given_to_an_unknown_option_is_never_repeated_since_it_may_be_a_key()
    {
        var error = SandboxCommandLine.Parse(["--Gemini:Key=AIzaSecretValue"], NoEnvironment).Error;

        Assert.NotNull(error);
        Assert.Contains("'--Gemini:Key'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("AIzaSecretValue", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_is_repeated_without_its_query_where_a_key_could_be()
    {
        var error = SandboxCommandLine.Parse(["--Gemini:BaseUrl=ftp://h.test/x?key=AIzaSecretValue"], NoEnvironment).Error;

        Assert.NotNull(error);
        Assert.DoesNotContain("AIzaSecretValue", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], false, 3)]
    [InlineData(new[] { "--verbose" }, true, 3)]
    [InlineData(new[] { "--turns", "5" }, false, 5)]
    [InlineData(new[] { "--turns=1", "--verbose" }, true, 1)]
    public void Good_options_are_taken(string[] args, bool verbose, int turns)
    {
        var outcome = SandboxCommandLine.Parse(args, NoEnvironment);

        Assert.Null(outcome.Error);
        Assert.Equal(verbose, outcome.Options!.Verbose);
        Assert.Equal(turns, outcome.Options.Turns);
        Assert.Null(outcome.Options.GeminiBaseUrl);
    }

    [Fact]
    public void Another_gemini_endpoint_takes_its_key_from_the_option_or_else_from_GEMINI_API_KEY()
    {
        var given = SandboxCommandLine.Parse(["--Gemini:BaseUrl=wss://live.test", "--Gemini:ApiKey=from-option"], NoEnvironment).Options!;
        var fromVariable = SandboxCommandLine.Parse(["--gemini:baseurl", "wss://live.test"], v => v == "GEMINI_API_KEY" ? "from-variable" : null).Options!;

        Assert.Equal((new Uri("wss://live.test"), "from-option"), (given.GeminiBaseUrl, given.GeminiApiKey));
        Assert.Equal((new Uri("wss://live.test"), "from-variable"), (fromVariable.GeminiBaseUrl, fromVariable.GeminiApiKey));
        Assert.DoesNotContain("from-option", given.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var output = new StringWriter();

        var exitCode = await Program.RunAsync(["--help"], output, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Contains("--turns N", output.ToString(), StringComparison.Ordinal);
    }

    // The key check reads the process environment when run through Program: these cases never get that far
    // except "needs a key", which holds only when GEMINI_API_KEY is unset.
    private static async Task<int> RunWithoutKeyAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (Environment.GetEnvironmentVariable("GEMINI_API_KEY") is { Length: > 0 } && args.Any(a => a.Contains("BaseUrl=wss", StringComparison.Ordinal)))
        {
            var outcome = SandboxCommandLine.Parse(args, NoEnvironment);
            await error.WriteLineAsync(outcome.Error);
            return 2;
        }

        return await Program.RunAsync(args, output, error, CancellationToken.None);
    }
}
