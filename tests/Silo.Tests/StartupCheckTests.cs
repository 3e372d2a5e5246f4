namespace Chorus.Silo.Tests;

/// <summary>
/// Each configuration mistake, given to the real executable, ends it with exit code 2 and one line that names the
/// setting: one table per section, run against the silo process (all-in-one, which reads every section).
/// </summary>
[EndToEnd]
public sealed class StartupCheckTests : IDisposable
{
    private const string Token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.startup-check.secret-token-value";
    private const string ApiKey = "AIza-startup-check-secret-key";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string, string> ChorusSection => new()
    {
        { "--Chorus:Mode=Bogus", "Chorus:Mode", "AllInOne or Silo" },
        { "--Chorus:SiloPort=-5", "Chorus:SiloPort", "65535" },
        { "--Chorus:GatewayPort=70000", "Chorus:GatewayPort", "65535" },
    };

    public static TheoryData<string, string, string> Dashboard => new()
    {
        { "--Dashboard:Port=70000", "Dashboard:Port", "65535" },
        { "--Dashboard:BindAddress=not-an-ip", "Dashboard:BindAddress", "IP address" },
        { "--Dashboard:BindAddress=0.0.0.0", "Dashboard:BindAddress", "Dashboard:AllowNonLoopback=true" },
        { "--Dashboard:Enabled=sometimes", "Dashboard:Enabled", "true or false" },
    };

    public static TheoryData<string, string, string> Sessions => new()
    {
        { "--Sessions:LeaseDuration=-00:00:45", "Sessions:LeaseDuration", "at least 00:00:01" },
        { "--Sessions:RenewalInterval=00:01:00", "Sessions:RenewalInterval", "shorter than Sessions:LeaseDuration" },
    };

    public static TheoryData<string, string, string> Discord => new()
    {
        { "--Discord:AutoLeaveAfter=-00:02:00", "Discord:AutoLeaveAfter", "zero or more" },
        { "--Discord:ApiBaseUrl=not-a-url", "Discord:ApiBaseUrl", "http(s) URL" },
        { "--Discord:ShardCount=many", "Discord:ShardCount", "auto" },
    };

    public static TheoryData<string, string, string> Gemini => new()
    {
        { "--Gemini:BaseUrl=nowhere", "Gemini:BaseUrl", "URL" },
        { "--Gemini:ApiVersion=one beta", "Gemini:ApiVersion", "v1beta" },
    };

    public static TheoryData<string, string, string> Bot => new()
    {
        { "--Bot:LanguageCode=english!", "Bot:LanguageCode", "BCP-47" },
        { "--Bot:ModelId=Not A Model", "GEMINI_MODEL_ID (Bot:ModelId)", "model id" },
    };

    public static TheoryData<string, string, string> GatewayAndVoice => new()
    {
        { "--Gateway:Id=has spaces", "GATEWAY_ID (Gateway:Id)", "without spaces" },
        { "--Voice:UseTls=maybe", "Voice:UseTls", "true or false" },
    };

    public static TheoryData<string, string, string> CommandsStorageAndHealth => new()
    {
        { "--Commands:DeferAfter=00:00:00", "Commands:DeferAfter", "a positive duration" },
        { "--Commands:VoiceJoinTimeout=soon", "Commands:VoiceJoinTimeout", "a positive duration" },
        { "--Storage:Sqlite:BusyTimeout=-00:00:01", "Storage:Sqlite:BusyTimeout", "zero or more" },
        { "--Health:Port=70000", "Health:Port", "65535" },
    };

    public static TheoryData<string, string, string> CommandLine => new()
    {
        { "--bogus", "--bogus", "--Section:Key=value" },
        { "--Dashbord:Port=1", "--Dashbord:Port", "--Section:Key=value" },
        { "--Dashboard:Prot=1", "--Dashboard:Prot", "--Section:Key=value" },
        { "verbose", "verbose", "--Section:Key=value" },
    };

    [Theory]
    [MemberData(nameof(ChorusSection))]
    [MemberData(nameof(Dashboard))]
    [MemberData(nameof(Sessions))]
    [MemberData(nameof(Discord))]
    [MemberData(nameof(Gemini))]
    [MemberData(nameof(Bot))]
    [MemberData(nameof(GatewayAndVoice))]
    [MemberData(nameof(CommandsStorageAndHealth))]
    [MemberData(nameof(CommandLine))]
    public async Task A_bad_command_line_value_ends_with_one_line_naming_it_and_exit_code_2(string argument, string named, string allowed)
    {
        var line = await RunExpectingOneLineAsync(Secrets(), argument);

        Assert.Contains(named, line);
        Assert.Contains(allowed, line);
    }

    /// <summary>The gateway-only process: its own sections (Health among them), and options of sections it does not read are unknown to it.</summary>
    public static TheoryData<string, string, string> GatewayProcess => new()
    {
        { "--Health:Port=70000", "Health:Port = '70000'", "a TCP port from 0 to 65535" },
        { "--Health:BindAddress=not-an-ip", "Health:BindAddress = 'not-an-ip'", "an IP address" },
        { "--Chorus:GatewayPort=0", "Chorus:GatewayPort = '0'", "a TCP port from 1 to 65535" },
        { "--Discord:AutoLeaveAfter=-00:02:00", "Discord:AutoLeaveAfter", "zero or more" },
        { "--Dashboard:Port=1", "--Dashboard:Port", "sections Chorus, Sessions, Discord" },
        { "--Helth:Port=1", "--Helth:Port", "--Section:Key=value" },
        { "verbose", "verbose", "--Section:Key=value" },
    };

    [Theory]
    [MemberData(nameof(GatewayProcess))]
    public async Task The_gateway_process_ends_a_bad_option_with_one_line_naming_it_and_exit_code_2(string argument, string named, string allowed)
    {
        var line = await RunExpectingOneLineAsync(args => SiloProcess.StartGateway(_directory, Secrets(), args), argument);

        Assert.Contains(named, line);
        Assert.Contains(allowed, line);
    }

    [Fact]
    public async Task A_gateway_whose_health_port_is_taken_ends_with_one_line_naming_it_and_exit_code_2()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        await using var gateway = SiloProcess.StartGateway(_directory, Secrets(),
            $"--Health:Port={taken}", $"--Chorus:GatewayPort={LoopbackPorts.Free()}", "--Discord:ApiBaseUrl=http://127.0.0.1:9/api/v10");

        var exitCode = await gateway.WaitForExitAsync(Timeout);

        var output = gateway.Output;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.StartsWith($"Chorus cannot start: Health:BindAddress and Health:Port = '127.0.0.1:{taken}' is not valid", lines[^1], StringComparison.Ordinal);
        Assert.Contains("its own Health:Port", lines[^1]);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("fail:", output);
    }

    public static TheoryData<string, string, string> Variables => new()
    {
        { "GEMINI_VOICE_NAME", "NoSuchVoice", "GEMINI_VOICE_NAME (Bot:VoiceName) = 'NoSuchVoice'" },
        { "BOT_LANGUAGE_CODE", "not a code", "BOT_LANGUAGE_CODE (Bot:LanguageCode)" },
        { "SHARD_IDS", "zero", "SHARD_IDS (Discord:ShardIds)" },
        { "Dashboard__Port", "-1", "Dashboard:Port = '-1'" },
    };

    [Theory]
    [MemberData(nameof(Variables))]
    public async Task A_bad_environment_variable_ends_with_one_line_naming_it_and_exit_code_2(string variable, string value, string named)
    {
        var environment = Secrets();
        environment[variable] = value;

        var line = await RunExpectingOneLineAsync(environment);

        Assert.Contains(named, line);
    }

    [Fact]
    public async Task A_sqlite_file_in_a_directory_that_cannot_be_created_is_named_before_anything_starts()
    {
        var blocker = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");

        var line = await RunExpectingOneLineAsync(Secrets(), $"--Storage:Sqlite:DataSource={Path.Combine(blocker, "sub", "bot.db")}");

        Assert.Contains("Storage:Sqlite:DataSource", line);
        Assert.Contains("cannot", line);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("two.parts")]
    [InlineData("three.parts.but spaces")]
    public async Task A_malformed_discord_token_is_refused_before_any_network_call_and_never_printed(string token)
    {
        var environment = Secrets();
        environment["DISCORD_TOKEN"] = token;

        // No Discord URL override: a network call would go to discord.com, which this machine cannot reach.
        var line = await RunExpectingOneLineAsync(environment);

        Assert.Contains("DISCORD_TOKEN", line);
        Assert.Contains("three base64url parts", line);
        Assert.DoesNotContain(token, line);
    }

    [Fact]
    public async Task A_token_discord_refuses_ends_with_one_line_saying_the_token_is_wrong()
    {
        await using var discord = await Chorus.Emulators.Discord.DiscordEmulator.StartAsync(
            new Chorus.Emulators.Discord.DiscordEmulatorOptions { Token = "MTEx.the-right.token-value" });
        await using var silo = SiloProcess.Start(_directory, Secrets(), $"--Discord:ApiBaseUrl={discord.ApiBaseUrl}",
            $"--Dashboard:Port={LoopbackPorts.Free()}", $"--Chorus:SiloPort={LoopbackPorts.Free()}", $"--Chorus:GatewayPort={LoopbackPorts.Free()}",
            $"--Storage:Sqlite:DataSource={Path.Combine(_directory, "bot.db")}");

        var exitCode = await silo.WaitForExitAsync(Timeout);

        // The host's own start-up lines come first; the reason is the last line, once, without a stack trace.
        var output = silo.Output;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.StartsWith("Chorus cannot start: Discord refused DISCORD_TOKEN", lines[^1], StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("DISCORD_TOKEN", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain(Token, output);
    }

    private static Dictionary<string, string> Secrets() => new() { ["DISCORD_TOKEN"] = Token, ["GEMINI_API_KEY"] = ApiKey };

    /// <summary>Runs the silo, expects exit code 2, and returns the one line it printed (stdout and stderr together).</summary>
    private Task<string> RunExpectingOneLineAsync(Dictionary<string, string> environment, params string[] args) =>
        RunExpectingOneLineAsync(a => SiloProcess.Start(_directory, environment, a), args);

    private static async Task<string> RunExpectingOneLineAsync(Func<string[], ChildProcess> start, params string[] args)
    {
        await using var silo = start(args);

        var exitCode = await silo.WaitForExitAsync(Timeout);

        var output = silo.Output;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.True(lines.Length == 1, $"expected one line, got {lines.Length}:\n{output}");
        Assert.StartsWith("Chorus cannot start: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception", output);
        Assert.DoesNotContain(ApiKey, output);
        return lines[0];
    }
}
