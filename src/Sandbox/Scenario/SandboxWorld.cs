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
    private SandboxWorld(string work, EmulatedVoiceServer voice, GeminiLiveEmulator? gemini, DiscordEmulator discord)
    {
        WorkDirectory = work;
        Voice = voice;
        Gemini = gemini;
        Discord = discord;
    }

    public string WorkDirectory { get; }
    public EmulatedVoiceServer Voice { get; }

    /// <summary>The Gemini Live emulator; null when the bot talks to another endpoint (<c>--Gemini:BaseUrl</c>).</summary>
    public GeminiLiveEmulator? Gemini { get; }
    public DiscordEmulator Discord { get; }
    public WebApplication App { get; private set; } = null!;
    public VoiceSessionRunner Runner => App.Services.GetRequiredService<VoiceSessionRunner>();

    /// <param name="output">Where to say what was started.</param>
    /// <param name="wait">How long the bot may take to start.</param>
    /// <param name="extraArgs">More configuration for the bot, e.g. <c>--Discord:AutoLeaveAfter=00:00:01</c>.</param>
    /// <param name="cancellationToken">Stops the start; what was started is disposed.</param>
    /// <param name="log">Where the bot's log lines go (null: nowhere but warnings and errors, counted).</param>
    /// <param name="geminiEndpoint">A Live endpoint and its key to use instead of the Gemini emulator.</param>
    /// <param name="services">More services for the bot (a scenario's own, e.g. shortened session minutes).</param>
    public static async Task<SandboxWorld> StartAsync(
        TextWriter output, TimeSpan wait, IReadOnlyList<string> extraArgs, CancellationToken cancellationToken,
        SandboxLog? log = null, (Uri BaseUrl, string ApiKey)? geminiEndpoint = null, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        log ??= new SandboxLog(null);
        var work = Directory.CreateTempSubdirectory("chorus-sandbox-").FullName;
        // Discord only accepts end-to-end encrypted voice (DAVE): so does the sandbox's voice server.
        var voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 }, cancellationToken: cancellationToken);
        var gemini = geminiEndpoint is null
            ? await GeminiLiveEmulator.StartAsync(
                new GeminiEmulatorOptions { ApiKey = SandboxScenario.GeminiKey, SpeechEndSilence = TimeSpan.FromMilliseconds(500) }, cancellationToken)
            : null;
        var discord = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions
        {
            Token = SandboxScenario.DiscordToken,
            VoiceServers = new EmulatedVoiceServerProvider(voice),
        });
        var world = new SandboxWorld(work, voice, gemini, discord);
        try
        {
            await AddSandboxGuildAsync(discord);
            var geminiUrl = gemini?.BaseUri ?? geminiEndpoint!.Value.BaseUrl;
            output.WriteLine(gemini is not null
                ? $"Emulators up: Discord {discord.ApiBaseUrl}, voice {voice.Endpoint}, Gemini {gemini.BaseUri}"
                : $"Emulators up: Discord {discord.ApiBaseUrl}, voice {voice.Endpoint}; Gemini {geminiUrl} (given with --Gemini:BaseUrl)");

            var outcome = ChorusSiloApp.Build(
                [
                    "--Dashboard:Port=0", $"--Chorus:SiloPort={SandboxScenario.FreePort()}", $"--Chorus:GatewayPort={SandboxScenario.FreePort()}",
                    $"--Storage:Sqlite:DataSource={Path.Combine(work, "sandbox.db")}", $"--Discord:ApiBaseUrl={discord.ApiBaseUrl}",
                    $"--Gemini:BaseUrl={geminiUrl}", "--Voice:UseTls=false", "--Gateway:Id=sandbox-gateway", .. extraArgs,
                ],
                new Dictionary<string, string?>
                {
                    ["DISCORD_TOKEN"] = SandboxScenario.DiscordToken,
                    ["GEMINI_API_KEY"] = geminiEndpoint?.ApiKey ?? SandboxScenario.GeminiKey,
                },
                builder =>
                {
                    UseSandboxHosting(builder, log);
                    services?.Invoke(builder.Services);
                });
            world.App = outcome.App ?? throw new InvalidOperationException(outcome.Error);
            await world.App.StartAsync(cancellationToken).WaitAsync(wait, cancellationToken);
            await discord.CommandRegistrations.WaitForAsync(_ => true, wait).WaitAsync(cancellationToken);
            output.WriteLine("Bot started (silo + gateway in this process) and registered its slash commands.");
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>The sandbox's guild: a text and a voice channel, and the scripted user in the voice channel.</summary>
    internal static async Task AddSandboxGuildAsync(DiscordEmulator discord)
    {
        const ulong everyone = (ulong)(Permissions.ViewChannel | Permissions.SendMessages | Permissions.Connect | Permissions.Speak);
        await discord.AddGuildAsync(new EmulatedGuild(SandboxScenario.GuildId, "Sandbox", SandboxScenario.UserId)
            .WithRole(new EmulatedRole(SandboxScenario.GuildId, "@everyone", everyone))
            .WithChannel(new EmulatedChannel(SandboxScenario.TextChannelId, "general", EmulatedChannel.Text))
            .WithChannel(new EmulatedChannel(SandboxScenario.VoiceChannelId, "Lounge", EmulatedChannel.Voice))
            .WithMember(new EmulatedMember(SandboxScenario.UserId, "sandbox-user", []))
            .WithVoiceState(SandboxScenario.UserId, SandboxScenario.VoiceChannelId));
    }

    /// <summary>
    /// The bot's log lines go to <paramref name="log"/> alone, whatever appsettings.json says, and the scenario,
    /// not the console, decides when the bot stops.
    /// </summary>
    internal static void UseSandboxHosting(WebApplicationBuilder builder, SandboxLog log)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        if (!log.Verbose)
        {
            // A rule for this provider outranks appsettings.json's rules, which name no provider.
            builder.Logging.AddFilter<SandboxLog>(null, LogLevel.Warning);
        }

        builder.Services.AddSingleton<IHostLifetime, SandboxHostLifetime>();
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        await Discord.DisposeAsync();
        if (Gemini is not null)
        {
            await Gemini.DisposeAsync();
        }

        await Voice.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
