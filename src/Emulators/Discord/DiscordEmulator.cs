using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Emulators.Discord;

/// <summary>
/// A loopback Discord: gateway (WebSocket) and REST (HTTP) on one Kestrel port at 127.0.0.1, scripted by tests.
/// Point a client's API base at <see cref="ApiBaseUrl"/> (discord.js: <see cref="ApiRoot"/>) and its gateway at <see cref="GatewayUrl"/>.
/// </summary>
public sealed partial class DiscordEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _stateLock = new();
    private readonly Dictionary<ulong, EmulatedGuild> _guilds = [];
    private readonly Dictionary<string, EmulatedSession> _sessions = [];

    // The gateway session each guild's bot voice connection was joined from.
    private readonly Dictionary<ulong, string> _botVoiceSessions = [];
    private readonly List<EmulatedGatewayConnection> _connections = [];
    private readonly Dictionary<string, EmulatedInteraction> _interactions = [];
    private readonly HashSet<string> _acknowledgedInteractions = [];
    private readonly List<RestFaultRule> _faults = [];
    private readonly Dictionary<string, ulong> _commandIds = [];
    private readonly long _startedAt;
    private long _nextSnowflake = 1_200_000_000_000_000_000;

    private DiscordEmulator(WebApplication app, DiscordEmulatorOptions options)
    {
        _app = app;
        Options = options;
        _startedAt = options.Time.GetTimestamp();
    }

    public DiscordEmulatorOptions Options { get; }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>http://127.0.0.1:port/api/v10 (our REST client's base).</summary>
    public string ApiBaseUrl => BaseAddress.ToString().TrimEnd('/') + "/api/v10";

    /// <summary>http://127.0.0.1:port/api (discord.js appends /v10 itself).</summary>
    public string ApiRoot => BaseAddress.ToString().TrimEnd('/') + "/api";

    /// <summary>ws://127.0.0.1:port, as GET /gateway/bot returns it.</summary>
    public string GatewayUrl => "ws://" + BaseAddress.Authority;

    /// <summary>When true, heartbeats are recorded but not acknowledged (zombie tests).</summary>
    public bool StopAcking { get; set; }

    /// <summary>When true, new gateway sockets get no Hello (hello-timeout tests).</summary>
    public bool SuppressHello { get; set; }

    /// <summary>Every accepted gateway WebSocket, by time of acceptance.</summary>
    public RecordLog<TimeSpan> GatewayConnects { get; } = new();

    /// <summary>When true, the next resumes are refused with op 9 d:false.</summary>
    public bool RefuseResumes { get; set; }

    public RecordLog<IdentifyRecord> Identifies { get; } = new();

    /// <summary>Guilds whose bot voice connection was ended (4014) because another session identified their shard.</summary>
    public RecordLog<ulong> VoiceEndedByReidentify { get; } = new();

    /// <summary>Identifies refused with op 9 because their bucket had admitted one less than <see cref="DiscordEmulatorOptions.IdentifyInterval"/> before.</summary>
    public RecordLog<IdentifyRecord> IdentifiesTooSoon { get; } = new();

    public RecordLog<ResumeRecord> Resumes { get; } = new();

    public RecordLog<HeartbeatRecord> Heartbeats { get; } = new();

    public RecordLog<VoiceStateCommandRecord> VoiceStateCommands { get; } = new();

    public RecordLog<RestRequestRecord> RestRequests { get; } = new();

    public RecordLog<InteractionReplyRecord> InteractionReplies { get; } = new();

    public RecordLog<ChannelMessageRecord> ChannelMessages { get; } = new();

    public RecordLog<CommandRegistrationRecord> CommandRegistrations { get; } = new();

    /// <summary>Every dispatch sent or replayed on a socket: (session id, event name, seq).</summary>
    public RecordLog<(string SessionId, string EventName, long Seq)> SentDispatches { get; } = new();

    /// <summary>Every VOICE_SERVER_UPDATE the emulator produced for a join.</summary>
    public RecordLog<VoiceJoinRequest> VoiceJoins { get; } = new();

    public int ConnectionCount
    {
        get
        {
            lock (_stateLock)
            {
                return _connections.Count;
            }
        }
    }

    public static async Task<DiscordEmulator> StartAsync(DiscordEmulatorOptions? options = null)
    {
        options ??= new DiscordEmulatorOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var emulator = new DiscordEmulator(app, options);
        app.UseWebSockets();
        app.Run(emulator.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        List<EmulatedGatewayConnection> connections;
        lock (_stateLock)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            connection.Socket.Abort();
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private Task HandleAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            return HandleGatewayAsync(context);
        }

        return HandleRestAsync(context);
    }

    internal ulong NextSnowflake() => (ulong)Interlocked.Increment(ref _nextSnowflake);

    private TimeSpan Now => Options.Time.GetElapsedTime(_startedAt);

    private static JsonObject UserJson(ulong id, string username, bool bot) => new()
    {
        ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["username"] = username,
        ["discriminator"] = "0",
        ["global_name"] = null,
        ["avatar"] = null,
        ["bot"] = bot,
        ["flags"] = 0,
    };

    private static string Id(ulong value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
