using Chorus.Sandbox;
using Chorus.Sandbox.Scenario;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>
/// The whole host (silo and gateway in one process) through a whole conversation against the emulators, Discord and
/// Gemini alike, with every category logging at Trace: no log line may hold the Discord token, the Gemini key or the persona set with /persona.
/// </summary>
[EndToEnd]
[Collection(SandboxRuns.Name)]
public sealed class SandboxSecretsTests
{
    [Fact]
    public async Task A_whole_conversation_logs_neither_the_discord_token_nor_the_gemini_key_nor_the_persona()
    {
        var output = new StringWriter();
        var report = await SandboxScenario.RunAsync(output, new SandboxOptions
        {
            Verbose = true,
            Turns = 2,
            HostArguments = ["--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Orleans=Information", "--Logging:LogLevel:Microsoft=Debug"],
        });
        var text = output.ToString();
        var logLines = text.Split('\n').Where(l => l.Contains(" log    ", StringComparison.Ordinal)).ToList();

        // The scan means something only if the Gemini conversation happened and its client's lines were among those read.
        Assert.True(report.Failure is null, report.Failure);
        Assert.All(report.Turns, t => Assert.NotNull(t.ResponseMs));
        Assert.Contains(logLines, l => l.Contains(" Chorus.Gemini.", StringComparison.Ordinal));
        Assert.Contains(logLines, l => l.Contains(" Chorus.Discord.", StringComparison.Ordinal));
        Assert.Contains(logLines, l => l.Contains(" trce ", StringComparison.OrdinalIgnoreCase) || l.Contains(" dbug ", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(SandboxScenario.DiscordToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxScenario.GeminiKey, text, StringComparison.Ordinal);
        // The persona set with /persona (the sandbox prints it in its own lines, so only the bot's lines are searched).
        Assert.DoesNotContain(logLines, l => l.Contains(SandboxScenario.Persona[..16], StringComparison.Ordinal));
        // The token's secret part alone (a log line may print only the part after the id).
        Assert.DoesNotContain(SandboxScenario.DiscordToken[(SandboxScenario.DiscordToken.IndexOf('.', StringComparison.Ordinal) + 1)..], text, StringComparison.Ordinal);
    }
}
