using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Gateway;
using Chorus.Emulators.Discord;

namespace Chorus.Discord.Tests.Gateway;

/// <summary>An emulator with one guild (a text and a voice channel, one user in voice) and a fast-heartbeat client.</summary>
internal sealed class EmulatorRig : IAsyncDisposable
{
    public const ulong GuildId = 10UL << 22;
    public const ulong OwnerId = 500;
    public const ulong TextChannelId = 9001;
    public const ulong VoiceChannelId = 9002;
    public const ulong OtherVoiceChannelId = 9003;
    public const ulong AliceId = 501;
    public const ulong BobId = 502;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<GatewayClient> _clients = [];

    private EmulatorRig(DiscordEmulator emulator)
    {
        Emulator = emulator;
        Totals = new MeterTotals(Metrics.Meter);
    }

    public DiscordEmulator Emulator { get; }

    public CapturingLogger<GatewayClient> Logger { get; } = new();

    /// <summary>The instruments of this rig's clients, a meter of their own.</summary>
    public DiscordMetrics Metrics { get; } = new();

    /// <summary>What this rig's clients counted.</summary>
    public MeterTotals Totals { get; }

    public static async Task<EmulatorRig> StartAsync(int heartbeatMs = 30_000, Func<DiscordEmulatorOptions, DiscordEmulatorOptions>? configure = null)
    {
        var options = new DiscordEmulatorOptions { HeartbeatIntervalMs = heartbeatMs };
        var emulator = await DiscordEmulator.StartAsync(configure?.Invoke(options) ?? options);
        await emulator.AddGuildAsync(NewGuild(GuildId));
        return new EmulatorRig(emulator);
    }

    public static EmulatedGuild NewGuild(ulong guildId) =>
        new EmulatedGuild(guildId, "Guild " + guildId, OwnerId)
            .WithChannel(new EmulatedChannel(TextChannelId, "general", EmulatedChannel.Text))
            .WithChannel(new EmulatedChannel(VoiceChannelId, "Voice", EmulatedChannel.Voice))
            .WithChannel(new EmulatedChannel(OtherVoiceChannelId, "Other voice", EmulatedChannel.Voice))
            .WithMember(new EmulatedMember(AliceId, "alice", []))
            .WithMember(new EmulatedMember(BobId, "bob", []))
            .WithVoiceState(AliceId, VoiceChannelId);

    public GatewayClientOptions ClientOptions(string? token = null) => new()
    {
        Token = token ?? Emulator.Options.Token,
        GatewayUrl = Emulator.GatewayUrl,
        HeartbeatJitter = () => 0.5,
        ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
        InvalidSessionMinDelay = TimeSpan.Zero,
        InvalidSessionMaxDelay = TimeSpan.FromMilliseconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        Metrics = Metrics,
    };

    public GatewayClient NewClient(GatewayClientOptions? options = null)
    {
        var client = new GatewayClient(options ?? ClientOptions(), Logger, new IdentifyGate(1, interval: TimeSpan.Zero));
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        Totals.Dispose();
    }
}
