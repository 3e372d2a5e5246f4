using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Chorus.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Send;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Gateway.Tests.Bridge;

/// <summary>
/// The work of these tests crosses threads (the uplink queue hands each frame to the bridge's uplink loop), so they
/// count the whole process's allocations and must not run beside other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessAllocationCount
{
    public const string Name = "Process-wide allocation count";
}

/// <summary>
/// The CI guard for the uplink's last hop: a gated 20 ms frame handed to the bridge's uplink queue, taken by the uplink
/// loop, sent through the Gemini conversation (backlog of unacknowledged audio, <c>realtimeInput</c> JSON with base64,
/// ManagedWebSocket framing and masking) and written to a real loopback TCP socket allocates nothing in steady state.
/// </summary>
[Collection(ProcessAllocationCount.Name)]
public sealed class GeminiSendAllocationTests
{
    private const int WarmUpFrames = 600;
    private const int FramesPerWindow = 500;
    private const int Windows = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_frame_from_the_uplink_queue_to_the_gemini_socket_allocates_nothing()
    {
        using var server = DiscardingLiveServer.Start();
        await using var rig = await Rig.StartAsync(server);
        var pcm = new short[320];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(6000 * Math.Sin(2 * Math.PI * 220 * i / 16_000));
        }

        // Past the unacknowledged-audio backlog's reuse of its chunk arrays and the pools' first fills.
        for (var i = 0; i < WarmUpFrames; i++)
        {
            rig.SendFrame(pcm);
        }

        // The fewest bytes of a few windows: an allocation per frame shows in every window, a one-off elsewhere in the
        // process (the runner, a timer) does not.
        var fewest = long.MaxValue;
        for (var window = 0; window < Windows; window++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < FramesPerWindow; i++)
            {
                rig.SendFrame(pcm);
            }

            fewest = Math.Min(fewest, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.True(fewest == 0, $"{fewest} bytes over {FramesPerWindow} frames ({(double)fewest / FramesPerWindow:0.#} per frame) in the quietest of {Windows} windows");
        Assert.Equal(WarmUpFrames + (Windows * FramesPerWindow), rig.Totals.Total(GatewayMetrics.Instruments.UplinkFrames));
        Assert.Equal(0, rig.Totals.Total(GatewayMetrics.Instruments.UplinkBuffered));
        // Each frame's message is over 850 bytes (base64 of 640 bytes of PCM in its JSON): they reached the socket's far end.
        SpinUntil(() => server.BytesReceived >= (WarmUpFrames + (Windows * FramesPerWindow)) * 850L, () => $"{server.BytesReceived} bytes at the server");
    }

    private static void SpinUntil(Func<bool> condition, Func<string> describe)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Timeout.TotalSeconds * Stopwatch.Frequency);
        var spinner = default(SpinWait);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s: {describe()}.");
            }

            spinner.SpinOnce();
        }
    }

    /// <summary>A bridge attached to a Gemini conversation whose socket leads to <see cref="DiscardingLiveServer"/>.</summary>
    private sealed class Rig : IAsyncDisposable, IStreamingBridgeObserver
    {
        private long _frames;

        private Rig(DiscardingLiveServer server)
        {
            var metrics = new GatewayMetrics();
            // Read while frames are measured: its sums allocate nothing once each count has been seen (in the warm-up).
            Totals = new MeterTotals(metrics.Meter);
            Bridge = new StreamingBridge(new StreamingBridgeOptions(), this, NullLogger.Instance, TimeProvider.System, metrics);
            Conversation = new GeminiConversation(
                new GeminiLiveOptions
                {
                    ApiKey = "allocation-test-key",
                    BaseUri = new Uri($"ws://127.0.0.1:{server.Port}"),
                    Model = "models/gemini-live-test",
                    SessionResumption = false,
                    KeepAliveInterval = TimeSpan.Zero,
                    Metrics = new Chorus.Gemini.Diagnostics.GeminiMetrics(),
                },
                Bridge);
            Voice = new VoiceConnection(
                new VoiceServerCredentials("127.0.0.1:1", 1, 2, "session", "token"),
                new VoiceConnectionOptions { Clock = new VoicePacingClock(threads: 1, time: TimeProvider.System) });
        }

        public StreamingBridge Bridge { get; }

        /// <summary>What this rig's bridge counted (its own instruments).</summary>
        public MeterTotals Totals { get; }

        public GeminiConversation Conversation { get; }

        public VoiceConnection Voice { get; }

        public static async Task<Rig> StartAsync(DiscardingLiveServer server)
        {
            var rig = new Rig(server);
            await rig.Conversation.StartAsync().WaitAsync(Timeout);
            rig.Bridge.Attach(rig.Voice, rig.Conversation);
            return rig;
        }

        /// <summary>Hands one frame to the uplink queue, as the gate does, and waits until the uplink loop has sent it.</summary>
        public void SendFrame(short[] pcm)
        {
            var target = ++_frames;
            ((IUplinkSink)Bridge).SendAudio(pcm, Stopwatch.GetTimestamp());
            // Each frame sent before the next, as 20 ms apart on the wire; spinning (no closure, no task), so that the
            // wait itself allocates nothing.
            var deadline = Stopwatch.GetTimestamp() + (long)(Timeout.TotalSeconds * Stopwatch.Frequency);
            var spinner = default(SpinWait);
            while (Totals.Total(GatewayMetrics.Instruments.UplinkFrames) < target)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"Frame {target} not sent within {Timeout.TotalSeconds} s ({Totals.Total(GatewayMetrics.Instruments.UplinkFrames)} sent, {Totals.Total(GatewayMetrics.Instruments.FramesDropped)} dropped).");
                }

                spinner.SpinOnce();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Bridge.DisposeAsync();
            await Conversation.DisposeAsync();
            await Voice.DisposeAsync();
            Totals.Dispose();
        }

        void IStreamingBridgeObserver.OnTurnComplete()
        {
        }

        void IStreamingBridgeObserver.OnResumptionHandle(string handle)
        {
        }

        void IStreamingBridgeObserver.OnConversationFailed(GeminiLiveException error)
        {
        }

        void IStreamingBridgeObserver.OnTranscription(GeminiTranscriptionSource source, string text, bool finished)
        {
        }
    }

    /// <summary>
    /// A Live endpoint that takes the handshake and <c>setup</c>, answers <c>setupComplete</c> and then only reads, into one
    /// buffer on its own thread: nothing it does after the setup allocates, so the process's count is the client's.
    /// </summary>
    private sealed class DiscardingLiveServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly Thread _reader;
        private Socket? _client;
        private long _bytesReceived;

        private DiscardingLiveServer()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _reader = new Thread(Serve) { IsBackground = true, Name = "discarding Live server" };
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public long BytesReceived => Interlocked.Read(ref _bytesReceived);

        public static DiscardingLiveServer Start()
        {
            var server = new DiscardingLiveServer();
            server._reader.Start();
            return server;
        }

        public void Dispose()
        {
            _listener.Stop();
            _client?.Dispose();
            _reader.Join(Timeout);
        }

        private void Serve()
        {
            try
            {
                using var client = _listener.AcceptSocket();
                _client = client;
                using var stream = new NetworkStream(client, ownsSocket: false);
                Handshake(stream);
                ReadFrame(stream);
                WriteTextFrame(stream, "{\"setupComplete\":{\"sessionId\":\"allocation-test\"}}"u8);
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = client.Receive(buffer)) > 0)
                {
                    Interlocked.Add(ref _bytesReceived, read);
                }
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                // The test ended the connection.
            }
        }

        private static void Handshake(NetworkStream stream)
        {
            var request = new StringBuilder();
            while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                var next = stream.ReadByte();
                if (next < 0)
                {
                    throw new IOException("The client left during the handshake.");
                }

                request.Append((char)next);
            }

            var key = request.ToString().Split("\r\n")
                .Select(line => line.Split(':', 2))
                .Single(parts => parts.Length == 2 && parts[0].Trim().Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))[1].Trim();
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            stream.Write(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
        }

        /// <summary>Reads and drops one client frame (masked, as every client frame is).</summary>
        private static void ReadFrame(NetworkStream stream)
        {
            var header = new byte[2];
            stream.ReadExactly(header);
            long length = header[1] & 0x7F;
            if (length == 126)
            {
                var extended = new byte[2];
                stream.ReadExactly(extended);
                length = (extended[0] << 8) | extended[1];
            }
            else if (length == 127)
            {
                var extended = new byte[8];
                stream.ReadExactly(extended);
                length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(extended);
            }

            stream.ReadExactly(new byte[4 + length]);
        }

        private static void WriteTextFrame(NetworkStream stream, ReadOnlySpan<byte> payload)
        {
            // Unmasked, from the server; short enough for the 7-bit length.
            stream.Write([0x81, (byte)payload.Length]);
            stream.Write(payload);
        }
    }
}
