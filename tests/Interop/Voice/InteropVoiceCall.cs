using System.Globalization;
using Chorus.Emulators.Voice;
using Chorus.Emulators.Voice.Dave;

namespace Chorus.Interop.Voice;

/// <summary>
/// One guild call on an <see cref="EmulatedVoiceServer"/> that tests fill with @discordjs/voice processes
/// (<see cref="JoinNodeAsync"/>) and our client (<see cref="JoinBotAsync"/>); disposing ends them all.
/// </summary>
internal sealed class InteropVoiceCall : IAsyncDisposable
{
    public const ulong Guild = 9100;
    public const ulong Channel = 9101;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _nodeDirectory;
    private readonly DirectoryInfo _scratch;
    private readonly string _certificateFile;
    private readonly List<IAsyncDisposable> _members = [];
    private int _files;

    private InteropVoiceCall(EmulatedVoiceServer server, string nodeDirectory, DirectoryInfo scratch)
    {
        Server = server;
        _nodeDirectory = nodeDirectory;
        _scratch = scratch;
        _certificateFile = Path.Combine(scratch.FullName, "voice-server.pem");
    }

    public EmulatedVoiceServer Server { get; }

    public bool Dave => Server.Options.DaveProtocolVersion >= 1;

    /// <summary>Starts the server; skips the test (fails under CI) when node or the reference peers are not installed.</summary>
    public static async Task<InteropVoiceCall> StartAsync(bool dave)
    {
        var nodeDirectory = NodeVoicePeer.FindNodeDirectory();
        var server = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = dave ? 1 : 0 });
        var call = new InteropVoiceCall(server, nodeDirectory, Directory.CreateTempSubdirectory("chorus-voice-"));
        await File.WriteAllTextAsync(call._certificateFile, server.CertificatePem);
        return call;
    }

    /// <summary>A @discordjs/voice client joins (ready: op 4 received) and records what <paramref name="listenTo"/> says.</summary>
    public async Task<NodeVoicePeer> JoinNodeAsync(ulong userId, ulong listenTo)
    {
        var node = StartNode(userId, listenTo, joinOnCommand: false);
        await WaitUntilJoinedAsync(node, userId);
        return node;
    }

    /// <summary>Starts a @discordjs/voice process that joins only on <see cref="JoinStartedNodeAsync"/>, so a test can time the join.</summary>
    public async Task<NodeVoicePeer> StartNodeAsync(ulong userId, ulong listenTo)
    {
        var node = StartNode(userId, listenTo, joinOnCommand: true);
        await node.WaitForEventAsync("started", Timeout);
        return node;
    }

    public async Task JoinStartedNodeAsync(NodeVoicePeer node, ulong userId)
    {
        await node.SendAsync("join");
        await WaitUntilJoinedAsync(node, userId);
    }

    private NodeVoicePeer StartNode(ulong userId, ulong listenTo, bool joinOnCommand)
    {
        var credentials = Server.CreateCredentials(Guild, userId, Channel);
        var node = NodeVoicePeer.Start(_nodeDirectory, new Dictionary<string, string>
        {
            ["VOICE_GUILD_ID"] = Id(Guild),
            ["VOICE_CHANNEL_ID"] = Id(Channel),
            ["VOICE_USER_ID"] = Id(userId),
            ["VOICE_SESSION_ID"] = credentials.SessionId,
            ["VOICE_TOKEN"] = credentials.Token,
            // The reference client only speaks wss://, so it gets the TLS listener and trusts our certificate.
            ["VOICE_ENDPOINT"] = credentials.TlsEndpoint,
            ["NODE_EXTRA_CA_CERTS"] = _certificateFile,
            ["VOICE_LISTEN_TO"] = Id(listenTo),
            ["VOICE_CHIRP_SECONDS"] = "1",
            ["VOICE_DEADLINE_MS"] = "90000",
            ["VOICE_DAVE"] = Dave ? "1" : "0",
            ["VOICE_JOIN_ON_COMMAND"] = joinOnCommand ? "1" : "0",
        });
        _members.Add(node);
        return node;
    }

    private async Task WaitUntilJoinedAsync(NodeVoicePeer node, ulong userId)
    {
        await node.WaitForEventAsync("ready", Timeout);
        var info = Server.GetParticipant(Guild, userId)!;
        Assert.Equal("aead_aes256_gcm_rtpsize", info.Mode);
        Assert.Equal(Dave ? 1 : 0, info.MaxDaveVersion);
        await WaitUntilInDaveCallAsync(userId);
    }

    /// <summary>Our VoiceConnection (with a DaveSession when the call has DAVE) joins and records <paramref name="listenTo"/>.</summary>
    public async Task<InteropBot> JoinBotAsync(ulong userId, ulong listenTo)
    {
        var bot = new InteropBot(Server.CreateCredentials(Guild, userId, Channel), listenTo, Dave);
        _members.Add(bot);
        using var cts = new CancellationTokenSource(Timeout);
        await bot.Connection.StartAsync(cts.Token);
        await WaitUntilInDaveCallAsync(userId);
        return bot;
    }

    /// <summary>
    /// A client is ready once it has op 4; the server hands it to the DAVE delivery service just after sending that. Waiting for
    /// the hand-over keeps delivery-service hooks scripted after a join from racing it.
    /// </summary>
    private Task WaitUntilInDaveCallAsync(ulong userId) => Dave
        ? WaitForDaveDeliveryServiceAsync(g => g.IsConnected(userId), () => $"user {userId} to reach the DAVE gateway")
        : Task.CompletedTask;

    /// <summary>Runs a hook on the call's DAVE delivery service (thread-safe; see <see cref="EmulatedVoiceServer.ScriptDaveDeliveryServiceAsync"/>).</summary>
    public Task ScriptDaveAsync(Action<EmulatedDaveDeliveryService> script) => Server.ScriptDaveDeliveryServiceAsync(Guild, script);

    /// <summary>Until <paramref name="condition"/> holds on the call's DAVE gateway, re-checked after each exchange with it.</summary>
    public Task WaitForDaveDeliveryServiceAsync(Func<EmulatedDaveDeliveryService, bool> condition, Func<string> describe) =>
        Wait.UntilAsync(
            async () => Server.GetDaveDeliveryService(Guild) is not null && await ReadDaveAsync(condition),
            changed => Server.Changed += changed, changed => Server.Changed -= changed, Timeout, describe);

    /// <summary>Reads the DAVE gateway's state consistently (under the server's DAVE lock).</summary>
    public async Task<T> ReadDaveAsync<T>(Func<EmulatedDaveDeliveryService, T> read)
    {
        T value = default!;
        await ScriptDaveAsync(deliveryService => value = read(deliveryService));
        return value;
    }

    public string NewScratchFile(string name) => Path.Combine(_scratch.FullName, $"{Interlocked.Increment(ref _files)}-{name}");

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        for (var i = _members.Count - 1; i >= 0; i--)
        {
            await _members[i].DisposeAsync();
        }

        await Server.DisposeAsync();
        _scratch.Delete(recursive: true);
    }
}
