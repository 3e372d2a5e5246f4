using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Chorus.Discord.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Emulators.Voice;

/// <summary>
/// A loopback Discord voice server: voice gateway v8 over wss:// (self-signed) and ws://, buffered resume,
/// IP discovery and an SFU-style UDP relay that decrypts each sender's packets and re-encrypts them per receiver.
/// Scripted users live inside it. DAVE (protocol 1) when EmulatedVoiceServerOptions.DaveProtocolVersion asks for it.
/// </summary>
public sealed partial class EmulatedVoiceServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(ulong Guild, ulong User), EmulatedVoiceParticipant> _participants = [];
    private readonly Dictionary<uint, EmulatedVoiceParticipant> _bySsrc = [];
    private readonly Dictionary<(ulong Guild, ulong User), (string SessionId, string Token, ulong ChannelId)> _credentials = [];
    // Voice sessions ended by the server (a scripted 4006): identifying or resuming with one again is refused with 4006.
    private readonly HashSet<string> _revokedSessions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly WebApplication _app;
    private readonly Socket _udp;
    private readonly ILogger _logger;
    private Task? _udpLoop;
    private uint _nextSsrc = 1000;

    private EmulatedVoiceServer(EmulatedVoiceServerOptions options, WebApplication app, Socket udp, X509Certificate2 certificate, ILogger logger)
    {
        Options = options;
        _app = app;
        _udp = udp;
        Certificate = certificate;
        _logger = logger;
    }

    public EmulatedVoiceServerOptions Options { get; }

    /// <summary>
    /// Raised after the server handled a client's gateway message, a client's disconnect, or a participant's DAVE
    /// exchange; not for a test's own script (<see cref="ScriptDaveDeliveryServiceAsync"/>), so a test re-checking state through
    /// a script cannot wake itself. A test re-checks what it waits for (participants, counters, the DAVE gateway) when it fires.
    /// </summary>
    public event Action? Changed;

    public EmulatedVoiceCounters Counters { get; } = new();

    /// <summary>
    /// Heartbeats are answered (op 6) unless this is set: a test turns a healthy server into a zombie once the client is
    /// connected, so the zombie is met by a joined session (which may resume) rather than one still mid-handshake.
    /// </summary>
    public bool StopAckingHeartbeats
    {
        get => Volatile.Read(ref _stopAckingHeartbeats);
        set => Volatile.Write(ref _stopAckingHeartbeats, value);
    }

    private bool _stopAckingHeartbeats;

    /// <summary>"127.0.0.1:port" of the plain ws:// listener.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>"127.0.0.1:port" of the wss:// listener (self-signed <see cref="Certificate"/>).</summary>
    public string TlsEndpoint { get; private set; } = "";

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as PEM, for NODE_EXTRA_CA_CERTS.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    public int UdpPort => ((IPEndPoint)_udp.LocalEndPoint!).Port;

    public static async Task<EmulatedVoiceServer> StartAsync(EmulatedVoiceServerOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatedVoiceServerOptions();
        var certificate = SelfSignedCertificate.CreateForLoopback();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });

        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var logger = loggerFactory?.CreateLogger<EmulatedVoiceServer>() ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var server = new EmulatedVoiceServer(options, app, udp, certificate, logger);
        app.Run(server.HandleHttpAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        foreach (var address in addresses)
        {
            var uri = new Uri(address);
            var endpoint = $"127.0.0.1:{uri.Port}";
            if (uri.Scheme == "https")
            {
                server.TlsEndpoint = endpoint;
            }
            else
            {
                server.Endpoint = endpoint;
            }
        }
        server._udpLoop = Task.Run(server.UdpLoopAsync, CancellationToken.None);
        return server;
    }

    /// <summary>Credentials for a user to join the guild's call (as the main gateway's op 4 dance would hand out).</summary>
    public EmulatedVoiceCredentials CreateCredentials(ulong guildId, ulong userId, ulong channelId = 0)
    {
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        lock (_gate)
        {
            _credentials[(guildId, userId)] = (sessionId, token, channelId == 0 ? guildId + 1 : channelId);
        }

        return new EmulatedVoiceCredentials(guildId, channelId == 0 ? guildId + 1 : channelId, userId, sessionId, token, Endpoint, TlsEndpoint);
    }

    /// <summary>Adds a user that lives inside the server: it plays PCM as Opus and records what it hears.</summary>
    /// <remarks>
    /// In a DAVE call (<see cref="EmulatedVoiceServerOptions.DaveProtocolVersion"/> 1) the user joins the MLS group with
    /// a DaveSession of its own and encrypts and decrypts its frames end to end, as a Discord client does.
    /// </remarks>
    /// <param name="guildId"></param>
    /// <param name="userId"></param>
    /// <param name="recordSampleRate"></param>
    /// <param name="channelId">The call's voice channel (the MLS group id), when the user is the first in the call.</param>
    /// <param name="daveMetrics">Where the user's DAVE session counts (frames, decrypt failures); the shared default when null.</param>
    public ScriptedVoiceUser AddScriptedUser(ulong guildId, ulong userId, int recordSampleRate = 48000, ulong channelId = 0, DiscordMetrics? daveMetrics = null)
    {
        var dave = Options.DaveProtocolVersion >= 1 ? CreateScriptedDaveSession(guildId, userId, channelId, daveMetrics) : null;
        EmulatedVoiceParticipant participant;
        lock (_gate)
        {
            participant = new EmulatedVoiceParticipant(guildId, userId) { Ssrc = _nextSsrc++, Joined = true, MaxDaveVersion = dave is null ? 0 : 1 };
            participant.Scripted = new ScriptedVoiceUser(this, participant, recordSampleRate, dave);
            _participants[(guildId, userId)] = participant;
            _bySsrc[participant.Ssrc] = participant;
        }
        _ = JoinScriptedAsync(participant, dave);
        return participant.Scripted;
    }

    /// <summary>A scripted user leaves the call (op 13 to the others; a Remove proposal in a DAVE call).</summary>
    public async Task RemoveScriptedUserAsync(ulong guildId, ulong userId)
    {
        EmulatedVoiceParticipant? participant;
        lock (_gate)
        {
            participant = _participants.GetValueOrDefault((guildId, userId));
        }

        if (participant?.Scripted is not { } scripted)
        {
            return;
        }

        await LeaveAsync(participant).ConfigureAwait(false);
        scripted.Dave?.Dispose();
    }

    private async Task JoinScriptedAsync(EmulatedVoiceParticipant participant, Chorus.Discord.Dave.Session.DaveSession? dave)
    {
        try
        {
            await AnnounceJoinAsync(participant, announceSsrc: false).ConfigureAwait(false);
            if (dave is not null)
            {
                await ScriptedDaveJoinAsync(participant, dave).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
    }

    public EmulatedVoiceParticipantInfo? GetParticipant(ulong guildId, ulong userId)
    {
        lock (_gate)
        {
            if (!_participants.TryGetValue((guildId, userId), out var p))
            {
                return null;
            }

            return new EmulatedVoiceParticipantInfo(p.GuildId, p.UserId, p.Ssrc, p.Crypto?.Mode, p.Socket is not null, p.Joined,
                p.SpeakingFlags, p.Identifies, p.Resumes, p.MaxDaveVersion);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        List<EmulatedVoiceParticipant> all;
        lock (_gate)
        {
            all = [.. _participants.Values];
        }

        foreach (var p in all)
        {
            AbortQuietly(p.Context);
        }

        await _app.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _udp.Dispose();
        if (_udpLoop is not null)
        {
            await _udpLoop.ConfigureAwait(false);
        }

        foreach (var p in all)
        {
            p.Crypto?.Dispose();
        }

        // The sockets are gone, so an exchange still holding the DAVE lock ends soon; the timers must not outlive the server.
        var locked = await _daveLock.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        foreach (var timer in _daveTransitionTimers.Values)
        {
            timer.Dispose();
        }

        _daveTransitionTimers.Clear();
        if (locked)
        {
            _daveLock.Release();
        }
        lock (_gate)
        {
            foreach (var dave in _daveDeliveryServices.Values)
            {
                dave.Dispose();
            }
        }
        Certificate.Dispose();
        _stop.Dispose();
    }

    private static void AbortQuietly(Microsoft.AspNetCore.Http.HttpContext? context)
    {
        try
        {
            context?.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request already ended.
        }
    }

    private List<EmulatedVoiceParticipant> Others(EmulatedVoiceParticipant of)
    {
        lock (_gate)
        {
            return [.. _participants.Values.Where(p => p.GuildId == of.GuildId && p.UserId != of.UserId)];
        }
    }
}
