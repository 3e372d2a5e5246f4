using Chorus.Discord.Interactions;
using Chorus.Emulators.Discord;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;
using Chorus.Gateway.Sessions;
using Chorus.Silo.Hosting;

namespace Chorus.Sandbox.Scenario;

/// <summary>
/// The emulators (Discord gateway + REST + voice, Gemini Live) with one guild, one user in its voice
/// channel, and the whole bot started against them in this process.
/// </summary>
public sealed class SandboxWorld : IAsyncDisposable
{
    private SandboxWorld(string work, EmulatedVoiceServer voice, GeminiLiveEmulator gemini, DiscordEmulator discord)
    {
        WorkDirectory = work;
        Voice = voice;
        Gemini = gemini;
        Discord = discord;
    }

    public string WorkDirectory { get; }
    public EmulatedVoiceServer Voice { get; }
    public GeminiLiveEmulator Gemini { get; }
    public DiscordEmulator Discord { get; }
    public WebApplication App { get; private set; } = null!;
    public VoiceSessionRunner Runner => App.Services.GetRequiredService<VoiceSessionRunner>();

    /// <param name="output"></param>

    /// <param name="wait"></param>    /// <param name="extraArgs">More configuration for the bot, e.g. <c>--Discord:AutoLeaveAfter=00:00:01</c>.</param>
    /// <param name="cancellationToken"></param>
    public static async Task<SandboxWorld> StartAsync(TextWriter output, TimeSpan wait, IReadOnlyList<string> extraArgs, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("chorus-sandbox-").FullName;
        // Discord only accepts end-to-end encrypted voice (DAVE): so does the sandbox's voice server.
        var voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 }, cancellationToken: cancellationToken);
        var gemini = await GeminiLiveEmulator.StartAsync(
            new GeminiEmulatorOptions { ApiKey = SandboxScenario.GeminiKey, SpeechEndSilence = TimeSpan.FromMilliseconds(500) }, cancellationToken);
        var discord = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions
        {
            Token = SandboxScenario.DiscordToken,
            VoiceServers = new EmulatedVoiceServerProvider(voice),
        });
        var world = new SandboxWorld(work, voice, gemini, discord);
        try
        {
            const ulong everyone = (ulong)(Permissions.ViewChannel | Permissions.SendMessages | Permissions.Connect | Permissions.Speak);
            await discord.AddGuildAsync(new EmulatedGuild(SandboxScenario.GuildId, "Sandbox", SandboxScenario.UserId)
                .WithRole(new EmulatedRole(SandboxScenario.GuildId, "@everyone", everyone))
                .WithChannel(new EmulatedChannel(SandboxScenario.TextChannelId, "general", EmulatedChannel.Text))
                .WithChannel(new EmulatedChannel(SandboxScenario.VoiceChannelId, "Lounge", EmulatedChannel.Voice))
                .WithMember(new EmulatedMember(SandboxScenario.UserId, "sandbox-user", []))
                .WithVoiceState(SandboxScenario.UserId, SandboxScenario.VoiceChannelId));
            output.WriteLine($"Emulators up: Discord {discord.ApiBaseUrl}, voice {voice.Endpoint}, Gemini {gemini.BaseUri}");

            var outcome = ChorusSiloApp.Build(
                [
                    "--Dashboard:Port=0", $"--Chorus:SiloPort={SandboxScenario.FreePort()}", $"--Chorus:GatewayPort={SandboxScenario.FreePort()}",
                    $"--Storage:Sqlite:DataSource={Path.Combine(work, "sandbox.db")}", $"--Discord:ApiBaseUrl={discord.ApiBaseUrl}",
                    $"--Gemini:BaseUrl={gemini.BaseUri}", "--Voice:UseTls=false", "--Gateway:Id=sandbox-gateway", .. extraArgs,
                ],
                new Dictionary<string, string?> { ["DISCORD_TOKEN"] = SandboxScenario.DiscordToken, ["GEMINI_API_KEY"] = SandboxScenario.GeminiKey },
                builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
            world.App = outcome.App ?? throw new InvalidOperationException(outcome.Error);
            await world.App.StartAsync(cancellationToken).WaitAsync(wait, cancellationToken);
            await discord.CommandRegistrations.WaitForAsync(_ => true, wait);
            output.WriteLine("Bot started (silo + gateway in this process) and registered its slash commands.");
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        await Discord.DisposeAsync();
        await Gemini.DisposeAsync();
        await Voice.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
