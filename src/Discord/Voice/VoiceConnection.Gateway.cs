using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Gateway;
using Chorus.Discord.Voice.Gateway.Json;
using Chorus.Discord.Voice.Udp;
using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Voice;

// One voice gateway WebSocket session: handshake, heartbeats, dispatch.
public sealed partial class VoiceConnection
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private ClientWebSocket? _socket;
    private int _missedHeartbeats;
    private bool _sessionReady;
    private volatile bool _stopping;

    private readonly record struct SessionEnd(int? CloseCode, string? Description, bool ReachedReady, bool MoveRequested, bool Stopped);

    private async Task<SessionEnd> RunSessionAsync(bool resume, CancellationToken stopToken)
    {
        var credentials = _credentials;
        using var socket = new ClientWebSocket();
        _options.ConfigureWebSocket?.Invoke(socket.Options);
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"{(_options.UseTls ? "wss" : "ws")}://{credentials.Endpoint}/?v=8"));
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopToken))
        {
            connectTimeout.CancelAfter(_options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(uri, connectTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stopToken.IsCancellationRequested)
            {
                throw new TimeoutException("Voice gateway connect timed out.");
            }
        }
        using var sessionAbort = CancellationTokenSource.CreateLinkedTokenSource(stopToken);
        _socket = socket;
        _missedHeartbeats = 0;
        _sessionReady = false;
        _metrics.VoiceSessions.Add(1, resume ? MetricTag.Resume : MetricTag.Identify);
        LogSessionOpened(_logger, credentials.GuildId, resume);

        Task? heartbeat = null;
        var reachedReady = false;
        try
        {
            if (resume)
            {
                await SendAsync(VoiceOpcode.Resume, new VoiceResumeData(Id(credentials.GuildId), credentials.SessionId, credentials.Token, Volatile.Read(ref _lastSeq)),
                    VoiceGatewayJsonContext.Default.VoiceGatewayMessageVoiceResumeData, sessionAbort.Token).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(VoiceOpcode.Identify, new VoiceIdentifyData(Id(credentials.GuildId), Id(credentials.UserId), credentials.SessionId, credentials.Token, _options.MaxDaveProtocolVersion),
                    VoiceGatewayJsonContext.Default.VoiceGatewayMessageVoiceIdentifyData, sessionAbort.Token).ConfigureAwait(false);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while (true)
                {
                    var length = 0;
                    var oversized = false;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (length == buffer.Length && !ReceiveBuffer.TryGrow(ref buffer, length, _options.MaxMessageBytes))
                        {
                            // Read the rest of the oversized message into the same buffer, then drop it.
                            oversized = true;
                            length = 0;
                        }
                        result = await socket.ReceiveAsync(buffer.AsMemory(length), sessionAbort.Token).ConfigureAwait(false);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        reachedReady |= _sessionReady;
                        return new SessionEnd((int?)socket.CloseStatus, socket.CloseStatusDescription, reachedReady, MovePending(), _stopping);
                    }
                    if (oversized)
                    {
                        Malformed("message too large");
                        continue;
                    }
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        HandleBinary(buffer.AsSpan(0, length));
                    }
                    else
                    {
                        await HandleTextAsync(buffer.AsMemory(0, length), sessionAbort.Token, () => heartbeat ??= StartHeartbeat(socket, sessionAbort.Token)).ConfigureAwait(false);
                    }

                    reachedReady |= _sessionReady;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
        {
            await CloseQuietlyAsync(socket).ConfigureAwait(false);
            return new SessionEnd((int)WebSocketCloseStatus.NormalClosure, null, reachedReady | _sessionReady, false, true);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Dropped without a close frame (1006), or aborted by the heartbeat watchdog (Abort disposes the socket, so
            // a receive under way throws ObjectDisposedException).
            LogSocketDropped(_logger, credentials.GuildId, ex.GetType().Name);
            return new SessionEnd(null, null, reachedReady | _sessionReady, MovePending(), _stopping);
        }
        finally
        {
            _socket = null;
            await sessionAbort.CancelAsync().ConfigureAwait(false);
            if (heartbeat is not null)
            {
                await heartbeat.ConfigureAwait(false);
            }
        }
    }

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private bool MovePending()
    {
        lock (_gate)
        {
            return _pendingMove is not null;
        }
    }

    /// <summary>
    /// Ends the current session with a clean close (the server then drops us from the call). Cancelling the pending
    /// receive instead would abort the socket from inside a cancellation callback, which can deadlock with its teardown.
    /// </summary>
    private void EndCurrentSession()
    {
        var socket = _socket;
        if (socket is not null)
        {
            _ = CloseCleanlyAsync(socket);
        }
    }

    private async Task CloseCleanlyAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            socket.Abort();
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private Task StartHeartbeat(ClientWebSocket socket, CancellationToken token) => Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(_heartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                if (Interlocked.Increment(ref _missedHeartbeats) > _options.MaxMissedHeartbeats)
                {
                    // A zombie connection: drop it and resume on a fresh socket.
                    _metrics.VoiceHeartbeatTimeouts.Add(1);
                    socket.Abort();
                    return;
                }
                var nonce = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await SendAsync(VoiceOpcode.Heartbeat, new HeartbeatData(nonce, Volatile.Read(ref _lastSeq)),
                    VoiceGatewayJsonContext.Default.VoiceGatewayMessageHeartbeatData, token).ConfigureAwait(false);
                _metrics.VoiceHeartbeats.Add(1, MetricTag.Transmit);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }, CancellationToken.None);

    private TimeSpan _heartbeatInterval = TimeSpan.FromSeconds(13.75);

    internal async Task HandleTextAsync(ReadOnlyMemory<byte> message, CancellationToken token, Action startHeartbeat)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            Malformed("not JSON");
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            // TryGetInt32 throws on a non-number, so the kind is checked first: a string op must be counted, not end the session.
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement)
                || opElement.ValueKind != JsonValueKind.Number || !opElement.TryGetInt32(out var op))
            {
                Malformed("no op");
                return;
            }
            if (root.TryGetProperty("seq", out var seqElement) && seqElement.ValueKind == JsonValueKind.Number && seqElement.TryGetInt32(out var seq))
            {
                Volatile.Write(ref _lastSeq, seq);
            }

            root.TryGetProperty("d", out var data);
            // Each of these is a payload that does not fit its op (ArgumentNullException: a missing user id parsed as a snowflake).
            try
            {
                await DispatchAsync(op, data, token, startHeartbeat).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException or NullReferenceException or ArgumentException)
            {
                Malformed($"op {op}: {ex.GetType().Name}");
            }
        }
    }

    private async Task DispatchAsync(int op, JsonElement data, CancellationToken token, Action startHeartbeat)
    {
        switch (op)
        {
            case VoiceOpcode.Hello:
                var hello = Deserialize(data, VoiceGatewayJsonContext.Default.VoiceHelloData);
                if (hello.HeartbeatInterval > 0)
                {
                    _heartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(hello.HeartbeatInterval, 50, 60_000));
                }

                startHeartbeat();
                break;
            case VoiceOpcode.HeartbeatAck:
                Interlocked.Exchange(ref _missedHeartbeats, 0);
                _metrics.VoiceHeartbeats.Add(1, MetricTag.Receive);
                break;
            case VoiceOpcode.Ready:
                await OnReadyAsync(Deserialize(data, VoiceGatewayJsonContext.Default.ReadyData), token).ConfigureAwait(false);
                break;
            case VoiceOpcode.SessionDescription:
                OnSessionDescription(Deserialize(data, VoiceGatewayJsonContext.Default.SessionDescriptionData));
                break;
            case VoiceOpcode.Resumed:
                _metrics.VoiceReconnects.Add(1, MetricTag.Resume);
                Sender.AnnounceSpeakingAgain();
                _sessionReady = true;
                MarkReady();
                break;
            case VoiceOpcode.Speaking:
                var speaking = Deserialize(data, VoiceGatewayJsonContext.Default.ServerSpeakingData);
                var speaker = ulong.Parse(speaking.UserId, CultureInfo.InvariantCulture);
                Receiver.MapSsrc(speaking.Ssrc, speaker);
                Raise(UserSpeaking, new VoiceSpeakingUpdate(speaker, speaking.Ssrc, speaking.Speaking));
                break;
            case VoiceOpcode.ClientsConnect:
                var connected = Deserialize(data, VoiceGatewayJsonContext.Default.ClientsConnectData);
                foreach (var id in connected.UserIds)
                {
                    var user = ulong.Parse(id, CultureInfo.InvariantCulture);
                    bool added;
                    lock (_gate)
                    {
                        added = _connectedUsers.Add(user);
                    }

                    if (added)
                    {
                        Raise(UserConnected, user);
                    }
                }
                _options.DaveHandler?.OnClientsChanged(ConnectedUsers);
                break;
            case VoiceOpcode.ClientDisconnect:
                var gone = ulong.Parse(Deserialize(data, VoiceGatewayJsonContext.Default.ClientDisconnectData).UserId, CultureInfo.InvariantCulture);
                lock (_gate)
                {
                    _connectedUsers.Remove(gone);
                }

                Receiver.RemoveUser(gone);
                Raise(UserDisconnected, gone);
                _options.DaveHandler?.OnClientsChanged(ConnectedUsers);
                break;
            case var dave when VoiceOpcode.IsDaveJson(dave):
                _options.DaveHandler?.OnJsonOpcode(dave, data, this);
                break;
            default:
                // Undocumented ops (12, 14, 15, 18, 20, ...) appear in the wild: ignore, never close.
                _metrics.VoiceGatewayMessagesDropped.Add(1, MetricTag.UnknownOpcode);
                break;
        }
    }

    private static T Deserialize<T>(JsonElement data, JsonTypeInfo<T> type)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("d is not an object");
        }

        return data.Deserialize(type) ?? throw new JsonException("d is null");
    }

    internal void HandleBinary(ReadOnlySpan<byte> message)
    {
        _metrics.VoiceBinaryMessages.Add(1);
        if (message.Length < 3)
        {
            Malformed("binary message shorter than its prefix");
            return;
        }
        Volatile.Write(ref _lastSeq, BinaryPrimitives.ReadUInt16BigEndian(message));
        var op = message[2];
        // Like the reference client, DAVE binary ops only count once the session description arrived.
        if (_sessionReady)
        {
            _options.DaveHandler?.OnBinaryOpcode(op, message[3..], this);
        }
    }

    private void Malformed(string what)
    {
        _metrics.VoiceGatewayMessagesDropped.Add(1, MetricTag.Malformed);
        var count = Interlocked.Increment(ref _malformedMessagesSeen);
        if (count <= 5 || (count & (count - 1)) == 0)
        {
            LogMalformed(_logger, what, count);
        }
    }

    private async Task OnReadyAsync(ReadyData ready, CancellationToken token)
    {
        if (!IPAddress.TryParse(ready.Ip, out var address) || ready.Port is <= 0 or > 65535)
        {
            throw new FormatException("Ready carried no usable address.");
        }

        var mode = TransportEncryptionMode.Choose(ready.Modes ?? [])
            ?? throw new InvalidOperationException("The voice server offered no supported encryption mode.");
        Ssrc = ready.Ssrc;
        Sender.SetTransport(null, 0, null);
        Receiver.SetTransport(null, 0);
        var udp = new VoiceUdpConnection(new IPEndPoint(address, ready.Port));
        await ReplaceUdpAsync(udp).ConfigureAwait(false);
        var (externalAddress, externalPort) = await udp.DiscoverAsync(ready.Ssrc, _options.IpDiscoveryTimeout, token).ConfigureAwait(false);
        udp.Start(Receiver, _options.UdpKeepaliveInterval);
        await SendAsync(VoiceOpcode.SelectProtocol, new SelectProtocolData("udp", new SelectProtocolAddress(externalAddress, externalPort, mode)),
            VoiceGatewayJsonContext.Default.VoiceGatewayMessageSelectProtocolData, token).ConfigureAwait(false);
    }

    private void OnSessionDescription(SessionDescriptionData description)
    {
        if (description.SecretKey is not { Length: TransportCipher.KeyLength })
        {
            throw new FormatException("secret_key must be 32 bytes.");
        }

        if (description.Mode is not (TransportEncryptionMode.Aes256GcmRtpSize or TransportEncryptionMode.XChaCha20Poly1305RtpSize))
        {
            // A mode we did not select is a malformed message (counted), like a bad key; it must not end the session.
            throw new FormatException("The session description names an unsupported encryption mode.");
        }

        Span<byte> key = stackalloc byte[TransportCipher.KeyLength];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = checked((byte)description.SecretKey[i]);
        }
        // One cipher per direction: the receive and send paths run on different threads and an AEAD context is not thread-safe.
        var receiveCipher = TransportCipher.Create(description.Mode, key);
        var sendCipher = TransportCipher.Create(description.Mode, key);
        key.Clear();
        var udp = _udp ?? throw new InvalidOperationException("Session description before Ready.");
        Receiver.SetTransport(receiveCipher, Ssrc);
        Sender.SetTransport(sendCipher, Ssrc, udp);
        Interlocked.Exchange(ref _receiveCipher, receiveCipher)?.Dispose();
        Interlocked.Exchange(ref _sendCipher, sendCipher)?.Dispose();
        var cipher = receiveCipher;
        EncryptionMode = cipher.Mode;
        DaveProtocolVersion = description.DaveProtocolVersion;
        _hasSession = true;
        _sessionReady = true;
        _options.DaveHandler?.OnSessionDescription(description.DaveProtocolVersion, this);
        MarkReady();
    }

    private void MarkReady()
    {
        SetState(VoiceConnectionState.Ready);
        lock (_gate)
        {
            _ready.TrySetResult();
        }
    }

    private void OnSpeakingChanged(bool speaking)
    {
        var payload = new ClientSpeakingData(speaking ? 1 : 0, 0, Ssrc);
        _ = SendSpeakingAsync(payload);
    }

    private async Task SendSpeakingAsync(ClientSpeakingData payload)
    {
        try
        {
            await SendAsync(VoiceOpcode.Speaking, payload, VoiceGatewayJsonContext.Default.VoiceGatewayMessageClientSpeakingData, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Lost with the socket; the next talk spurt sends it again.
        }
    }

    private async Task SendAsync<T>(int op, T data, JsonTypeInfo<VoiceGatewayMessage<T>> type, CancellationToken token)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new VoiceGatewayMessage<T>(op, data), type);
        await SendRawAsync(bytes, WebSocketMessageType.Text, token).ConfigureAwait(false);
    }

    private async Task SendRawAsync(ReadOnlyMemory<byte> bytes, WebSocketMessageType type, CancellationToken token)
    {
        var socket = _socket ?? throw new InvalidOperationException("The voice gateway is not connected.");
        await _sendLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(bytes, type, true, token).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a binary voice gateway message: the opcode byte, then <paramref name="payload"/> (DAVE ops 26 and 28).</summary>
    public async ValueTask SendBinaryAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var bytes = new byte[payload.Length + 1];
        bytes[0] = opcode;
        payload.CopyTo(bytes.AsMemory(1));
        await SendRawAsync(bytes, WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a JSON voice gateway message <c>{"op": opcode, "d": data}</c> with <paramref name="utf8JsonData"/> as <c>d</c> (DAVE ops 23 and 31).</summary>
    public async ValueTask SendJsonAsync(int opcode, ReadOnlyMemory<byte> utf8JsonData, CancellationToken cancellationToken = default)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"op\":{opcode},\"d\":"));
        var bytes = new byte[prefix.Length + utf8JsonData.Length + 1];
        prefix.CopyTo(bytes, 0);
        utf8JsonData.CopyTo(bytes.AsMemory(prefix.Length));
        bytes[^1] = (byte)'}';
        await SendRawAsync(bytes, WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Voice gateway session opened for guild {GuildId} (resume: {Resume})")]
    private static partial void LogSessionOpened(ILogger logger, ulong guildId, bool resume);

    [LoggerMessage(Level = LogLevel.Information, Message = "Voice gateway socket for guild {GuildId} dropped: {Reason}")]
    private static partial void LogSocketDropped(ILogger logger, ulong guildId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Voice gateway message dropped: {What} ({Count} so far)")]
    private static partial void LogMalformed(ILogger logger, string what, long count);
}
