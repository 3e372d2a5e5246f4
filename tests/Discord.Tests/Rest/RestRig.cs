using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Rest;
using Chorus.Emulators.Discord;

namespace Chorus.Discord.Tests.Rest;

internal sealed class RestRig : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private RestRig(DiscordEmulator emulator, HttpClient http, CapturingLogger<DiscordRestClient> logger, DiscordMetrics metrics, int transientRetries)
    {
        Emulator = emulator;
        Http = http;
        Logger = logger;
        Totals = new MeterTotals(metrics.Meter);
        Client = new DiscordRestClient(http, Options(emulator, transientRetries) with { Metrics = metrics }, logger);
    }

    public DiscordEmulator Emulator { get; }

    public DiscordRestClient Client { get; }

    public HttpClient Http { get; }

    /// <summary>The client's own counts (it has a meter of its own).</summary>
    public MeterTotals Totals { get; }

    public CapturingLogger<DiscordRestClient> Logger { get; }

    public static async Task<RestRig> StartAsync(int transientRetries = 3)
    {
        var emulator = await DiscordEmulator.StartAsync();
        await emulator.AddGuildAsync(Gateway.EmulatorRig.NewGuild(Gateway.EmulatorRig.GuildId));
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var logger = new CapturingLogger<DiscordRestClient>();
        return new RestRig(emulator, http, logger, new DiscordMetrics(), transientRetries);
    }

    public static DiscordRestOptions Options(DiscordEmulator emulator, int transientRetries = 3) => new()
    {
        Token = emulator.Options.Token,
        ApiBaseUrl = emulator.ApiBaseUrl,
        TransientRetries = transientRetries,
        TransientRetryDelay = TimeSpan.FromMilliseconds(10),
    };

    public async ValueTask DisposeAsync()
    {
        Totals.Dispose();
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
