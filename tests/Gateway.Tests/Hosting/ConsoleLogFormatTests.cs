using System.Text.Json;
using Chorus.Gateway.Hosting.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Tests.Hosting;

/// <summary>Only one test at a time may take the process's standard output.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleOutput
{
    public const string Name = "Console output";
}

/// <summary>What the hosts' console shows: each line's scopes, as text (simple) or as values (json), redacted.</summary>
[Collection(ConsoleOutput.Name)]
public sealed class ConsoleLogFormatTests
{
    private const string Key = "AIzaSyConsoleTestKey-0123456789abcdefghij";

    [Fact]
    public void The_simple_console_shows_the_scopes_and_no_secret()
    {
        var output = Write(formatter: null);

        Assert.Contains("Chorus.Tests[0]", output, StringComparison.Ordinal);
        Assert.Contains("=> shard 3 => guild 42 session cafe1234", output, StringComparison.Ordinal);
        Assert.Contains("Gemini answered with key [redacted]", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..16], output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_console_writes_one_object_per_line_with_the_scope_values()
    {
        var output = Write(formatter: "json");

        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("Gemini answered with key [redacted]", root.GetProperty("Message").GetString());
        Assert.Equal("[redacted]", root.GetProperty("State").GetProperty("Key").GetString());
        var scopes = root.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("ShardId", out var shard) && shard.GetInt32() == 3);
        Assert.Contains(scopes, s => s.TryGetProperty("GuildId", out var guild) && guild.GetInt64() == 42
            && s.GetProperty("SessionId").GetString() == "cafe1234");
        Assert.DoesNotContain(Key[..16], output, StringComparison.Ordinal);
    }

    /// <summary>Logs one line in a shard and a session scope through the hosts' console set-up; returns what reached stdout.</summary>
    private static string Write(string? formatter)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gemini:ApiKey"] = Key,
            ["Logging:Console:FormatterName"] = formatter,
        }).Build();
        var original = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            var services = new ServiceCollection();
            services.AddLogging(logging =>
            {
                logging.AddConsole();
                logging.AddChorusLogging(configuration);
            });
            using (var provider = services.BuildServiceProvider())
            {
                var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Chorus.Tests");
                using (logger.BeginScope("shard {ShardId}", 3))
                using (LogScope.BeginSession(logger, 42, "cafe1234"))
                {
                    logger.LogInformation("Gemini answered with key {Key}", Key);
                }
            }

            // Disposing the provider flushed the console's queue.
            return captured.ToString();
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
