using System.Text.Json.Nodes;
using Chorus.Emulators.Discord;

namespace Chorus.Sandbox.Scenario;

/// <summary>
/// The whole bot, in this process, against the emulated Discord (gateway, REST, voice) and Gemini Live:
/// a scripted user joins a voice channel, runs /join, says a few things, changes the persona, interrupts the bot
/// once, asks for /status and runs /leave. Nothing leaves the loopback interface and no account is needed.
/// </summary>
public static class SandboxScenario
{
    public const ulong GuildId = 1_200_000_000_000_000_000;
    public const ulong TextChannelId = 1_200_000_000_000_000_001;
    public const ulong VoiceChannelId = 1_200_000_000_000_000_002;
    public const ulong UserId = 1_200_000_000_000_000_003;

    /// <summary>The persona the scripted user sets mid-conversation.</summary>
    public const string Persona = "You are a cheerful ship's captain. Answer in one short sentence.";

    // Shaped like a real bot token (three base64url parts): the bot checks the shape before it dials Discord.
    public const string DiscordToken = "c2FuZGJveA.sandbox.discord-token";
    public const string GeminiKey = "sandbox-gemini-key";

    internal static ulong BotUserId => new DiscordEmulatorOptions().BotUserId;

    /// <summary>
    /// Runs the conversation, printing each step as it happens and then the report. Cancelling stops it where it is
    /// and still prints (and returns) the report so far.
    /// </summary>
    public static async Task<SandboxReport> RunAsync(TextWriter output, SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var synchronized = TextWriter.Synchronized(output);
        var report = await new SandboxRun(synchronized, options ?? new SandboxOptions()).RunAsync(cancellationToken);
        SandboxReportPrinter.Print(report, synchronized);
        return report;
    }

    public static async Task<string> RunCommandAsync(
        DiscordEmulator discord, string command, TimeSpan wait, JsonArray? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(discord);
        var interaction = await discord.InvokeCommandAsync(GuildId, TextChannelId, UserId, command, options).WaitAsync(cancellationToken);
        var reply = await discord.InteractionReplies.WaitForAsync(
            r => r.Token == interaction.Token && (r.Kind == InteractionReplyKind.EditOriginal || r.CallbackType == 4), wait).WaitAsync(cancellationToken);
        return reply.Content ?? "";
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (true) or <paramref name="wait"/> has passed (false).</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        while (!condition())
        {
            if (time.GetElapsedTime(started) > wait)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken);
        }

        return true;
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
