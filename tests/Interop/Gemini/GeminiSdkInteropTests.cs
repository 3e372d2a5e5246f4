using System.Diagnostics;
using System.Text.Json;
using Chorus.Emulators.Gemini;

namespace Chorus.Interop.Gemini;

/// <summary>
/// Google's own JavaScript SDK (<c>@google/genai</c> live API) against our emulator: if the SDK accepts it, the
/// emulator speaks the real wire format, not just the dialect our client happens to use.
/// </summary>
[EndToEnd]
public sealed class GeminiSdkInteropTests
{
    private const string Key = "interop-key-not-a-secret";

    [Fact]
    public async Task Google_js_sdk_completes_setup_exchanges_audio_and_resumes()
    {
        var nodeDirectory = NodeDirectory();
        await using var emulator = await GeminiLiveEmulator.StartAsync(new GeminiEmulatorOptions
        {
            ApiKey = Key,
            ThinkTime = TimeSpan.FromMilliseconds(20),
            SpeechEndSilence = TimeSpan.FromMilliseconds(100),
            ReplySpeedup = 20,
        });

        var (exitCode, stdout, stderr) = await RunNodeAsync(nodeDirectory, "gemini-live.mjs", TimeSpan.FromSeconds(60), emulator.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Key);

        Assert.True(exitCode == 0, $"node exited {exitCode}\nstdout: {stdout}\nstderr: {stderr}");
        using var result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var first = result.RootElement.GetProperty("first");
        var resumed = result.RootElement.GetProperty("resumed");
        foreach (var run in new[] { first, resumed })
        {
            Assert.True(run.GetProperty("setupComplete").GetBoolean());
            Assert.True(run.GetProperty("turnComplete").GetBoolean());
            Assert.True(run.GetProperty("generationComplete").GetBoolean());
            Assert.True(run.GetProperty("audioBytes").GetInt32() >= 15 * 640 * 3 / 2, "the echo should be at least as long as the speech");
            Assert.NotEmpty(run.GetProperty("inputTranscripts").EnumerateArray());
            Assert.NotEmpty(run.GetProperty("outputTranscripts").EnumerateArray());
            Assert.NotEmpty(run.GetProperty("handles").EnumerateArray());
            Assert.True(run.GetProperty("nonResumable").GetInt32() >= 1);
            Assert.True(run.GetProperty("usageTotal").GetInt32() > 0);
        }

        // The SDK surfaces our setup rejection with the real service's close code and reason.
        var badKey = result.RootElement.GetProperty("badKeyError").GetString();
        Assert.NotNull(badKey);
        Assert.Contains("1007", badKey, StringComparison.Ordinal);
        Assert.Contains("API key not valid", badKey, StringComparison.Ordinal);

        var connections = emulator.Recording.Connections.Take(2).ToList();
        Assert.All(connections, c =>
        {
            Assert.True(c.KeyInQuery, "the JS SDK sends the key as ?key=");
            Assert.StartsWith("//ws/", c.Path, StringComparison.Ordinal);
            Assert.True(c.SetupCompleted);
            Assert.Equal("You are the interop test.", c.SystemInstruction);
        });
        Assert.Equal(result.RootElement.GetProperty("resumedWith").GetString(), connections[1].ResumeHandle);
        Assert.True(connections[1].Resumed);
        Assert.Equal(connections[0].ConversationId, connections[1].ConversationId);
        Assert.Equal(2, emulator.Recording.Turns[^1].Number);
    }

    /// <summary>
    /// Both directions of the strict emulator's contract, checked against Google's code: every config genai's
    /// Developer-API converter emits for each model family is accepted, and fields, values or audio the service
    /// refuses are closed with 1007 naming the field.
    /// </summary>
    [Fact]
    public async Task Google_js_sdk_setups_for_each_model_family_are_accepted_and_wrong_ones_refused_with_1007()
    {
        var nodeDirectory = NodeDirectory();
        string[] models =
        [
            "gemini-3.8-live",
            "gemini-3.8-live-extended-thinking",
            "gemini-3.1-flash-live-preview",
            "gemini-2.5-flash-native-audio-preview-12-2025",
            "gemini-2.5-flash-native-audio-preview-09-2025",
            "gemini-2.5-flash-native-audio-latest",
        ];
        await using var emulator = await GeminiLiveEmulator.StartAsync(new GeminiEmulatorOptions
        {
            ApiKey = Key,
            Models = models.ToHashSet(StringComparer.Ordinal),
        });

        var (exitCode, stdout, stderr) = await RunNodeAsync(nodeDirectory, "gemini-setup.mjs", TimeSpan.FromSeconds(60),
            [emulator.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Key, .. models]);

        Assert.True(exitCode == 0, $"node exited {exitCode}\nstdout: {stdout}\nstderr: {stderr}");
        using var result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        Assert.Equal(GeminiLiveEmulator.SetupSchemaGenaiVersion, result.RootElement.GetProperty("genaiVersion").GetString());
        foreach (var model in models)
        {
            var accepted = result.RootElement.GetProperty("accepted").GetProperty(model);
            var refusal = emulator.Recording.Connections.FirstOrDefault(c => c.Model == model && c.Refusal is not null)?.Refusal;
            Assert.True(accepted.GetProperty("ok").GetBoolean(), $"{model}: {accepted} {refusal}");
        }

        var refused = result.RootElement.GetProperty("refused");
        foreach (var (name, expected) in new[]
        {
            ("unknownNestedField", "Unknown name \"turnDetection\" at 'setup.realtime_input_config'"),
            ("unknownEnumValue", "Invalid value at 'setup.realtime_input_config.activity_handling'"),
            ("thinkingOnAModelWithout", "'setup.generation_config.thinking_config'"),
            ("proactivityWhereAlwaysOn", "'setup.proactivity'"),
            ("wavAudio", "'realtime_input.audio.mime_type'"),
        })
        {
            var outcome = refused.GetProperty(name);
            Assert.False(outcome.GetProperty("ok").GetBoolean(), $"{name} was accepted");
            var error = outcome.GetProperty("error").GetString();
            Assert.Contains("1007", error, StringComparison.Ordinal);
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
    }

    private static string NodeDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var node = Path.Combine(directory.FullName, "tests", "Interop", "node");
            if (File.Exists(Path.Combine(node, "package.json")))
            {
                RequiredTool.RequireNodePackage(node, "@google/genai");
                return node;
            }
        }

        Assert.Fail("tests/Interop/node not found above " + AppContext.BaseDirectory);
        return string.Empty;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string directory, string script, TimeSpan timeout, params IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {script} did not finish within {timeout}; stderr: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
