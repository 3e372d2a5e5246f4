using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chorus.Emulators.Gemini;

/// <summary>
/// A loopback Gemini Live server (Kestrel on 127.0.0.1, ephemeral port) speaking the BidiGenerateContent wire
/// format closely enough for Google's own JS SDK. Behaviour is scripted by <see cref="GeminiEmulatorOptions"/>.
/// </summary>
public sealed partial class GeminiLiveEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, EmulatedConversation> _handles = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly ConcurrentDictionary<EmulatedLiveConnection, byte> _open = new();
    private volatile bool _keyRevoked;
    private int _internalErrorUsed;
    private int _goAways;
    private int _resumeRefusalUsed;

    private GeminiLiveEmulator(WebApplication app, GeminiEmulatorOptions options)
    {
        _app = app;
        Options = options;
    }

    public GeminiEmulatorOptions Options { get; }

    public GeminiEmulatorRecording Recording { get; } = new();

    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:port</c>: the base URL for our client and for the JS SDK's <c>httpOptions.baseUrl</c>.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    public TimeProvider Time => Options.Time;

    /// <summary>The <c>@google/genai</c> version whose Live types the strict setup check was taken from.</summary>
    public const string SetupSchemaGenaiVersion = GeminiSetupSchema.GenaiVersion;

    /// <summary>The message the service closes with when a key is not (or no longer) valid.</summary>
    public const string InvalidKeyReason = "API key not valid. Please pass a valid API key.";

    public static async Task<GeminiLiveEmulator> StartAsync(GeminiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GeminiEmulatorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var emulator = new GeminiLiveEmulator(app, options);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(emulator.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.Port = new Uri(address).Port;
        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Connections that do not finish are cut by the host shutdown below.
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>
    /// The key is revoked mid-session, as when its owner deletes it: every open connection closes with
    /// <paramref name="closeCode"/> (1007 or 1008) and the service's key wording, and new setups are refused.
    /// </summary>
    public async Task RevokeKeyAsync(int closeCode = 1007)
    {
        _keyRevoked = true;
        foreach (var connection in _open.Keys)
        {
            await connection.CloseForRevokedKeyAsync(closeCode).ConfigureAwait(false);
        }
    }

    internal bool KeyRevoked => _keyRevoked;

    internal CancellationToken Stopping => _stopping.Token;

    internal bool TryUseInternalError() => Interlocked.Exchange(ref _internalErrorUsed, 1) == 0;

    internal bool TryUseResumeRefusal() => Interlocked.Exchange(ref _resumeRefusalUsed, 1) == 0;

    internal bool TryUseGoAway() => Interlocked.Increment(ref _goAways) <= Options.MaxGoAways;

    internal EmulatedConversation? Restore(string handle) =>
        _handles.TryGetValue(handle, out var conversation) && !conversation.Expired(Time.GetUtcNow(), Options.HandleLifetime) ? conversation : null;

    internal void Register(string handle, EmulatedConversation conversation) => _handles[handle] = conversation;

    private async Task HandleAsync(HttpContext context)
    {
        var rawPath = context.Request.Path.Value ?? string.Empty;
        var path = DoubleSlash().Replace(rawPath, "/");
        var match = LivePath().Match(path);
        if (!match.Success || !context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var index = Recording.Attempt() - 1;
        var headerKey = context.Request.Headers["x-goog-api-key"].ToString();
        var queryKey = context.Request.Query["key"].ToString();
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var record = new GeminiEmulatorConnection(Recording, index, rawPath, headerKey.Length > 0, queryKey.Length > 0, Time.GetUtcNow());
        Recording.Add(record);
        var connection = new EmulatedLiveConnection(this, socket, record, match.Groups["version"].Value);
        _open[connection] = 0;
        var run = connection.RunAsync(headerKey.Length > 0 ? headerKey : queryKey);
        _connections.Add(run);
        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(connection, out _);
        }
    }

    [GeneratedRegex("/{2,}")]
    private static partial Regex DoubleSlash();

    [GeneratedRegex(@"^/ws/google\.ai\.generativelanguage\.(?<version>v1|v1beta|v1alpha)\.GenerativeService\.BidiGenerateContent$")]
    private static partial Regex LivePath();
}
