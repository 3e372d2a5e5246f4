using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Chorus.Gemini.Diagnostics;
using Chorus.Gemini.Events;
using Chorus.Gemini.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Gemini;

/// <summary>
/// One Live transport: a WebSocket that has completed <c>setup</c>. Sends are serialized (the socket allows one
/// outstanding send); server messages are decoded on a receive loop and handed to the listener.
/// </summary>
internal sealed class GeminiLiveSession : IAsyncDisposable
{
    private const int InitialReceiveBuffer = 64 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly IGeminiLiveListener _listener;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _apiKey;
    private readonly int _maxMessageBytes;
    private readonly GeminiMetrics _metrics;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _audioMessage = [];
    private readonly GeminiServerMessage _message = new();
    private readonly TaskCompletionSource<GeminiSetupComplete> _setup = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<GeminiCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closing;
    private volatile bool _closedByUs;
    private Task _receiveLoop = Task.CompletedTask;

    private GeminiLiveSession(
        ClientWebSocket socket, GeminiLiveOptions options, string model, bool resuming, IGeminiLiveListener listener, ILogger logger, TimeProvider time)
    {
        _socket = socket;
        _listener = listener;
        _logger = logger;
        _time = time;
        _apiKey = options.ApiKey;
        _maxMessageBytes = options.MaxMessageBytes;
        _metrics = options.Metrics ?? GeminiMetrics.Default;
        Model = model;
        Resumed = resuming;
    }

    public string Model { get; }

    /// <summary>True when this transport was opened with a resumption handle.</summary>
    public bool Resumed { get; }

    public string? SessionId { get; private set; }

    /// <summary>Completes when the transport has ended, with the close code, reason and its classification.</summary>
    public Task<GeminiCloseInfo> Completion => _closed.Task;

    /// <summary>True when we closed it (switch-over, dispose) rather than the server or the network.</summary>
    public bool ClosedByClient => _closedByUs;

    public bool IsOpen => !_closing && _socket.State == WebSocketState.Open;

    /// <summary>Opens the WebSocket, sends <c>setup</c> and waits for <c>setupComplete</c>.</summary>
    /// <exception cref="GeminiLiveException">The handshake or the setup was refused; <see cref="GeminiLiveException.Kind"/> says whether retrying can help.</exception>
    public static async Task<GeminiLiveSession> ConnectAsync(
        GeminiLiveOptions options,
        IGeminiLiveListener listener,
        string? model = null,
        string? resumeHandle = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listener);
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        model ??= options.Model;
        var uri = GeminiLiveEndpoint.For(options.BaseUri, options.ApiVersion);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("x-goog-api-key", options.ApiKey);
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = options.KeepAliveInterval;
        var session = new GeminiLiveSession(socket, options, model, resumeHandle is not null, listener, logger, time);
        GeminiLog.Connecting(logger, uri.Authority, model, resumeHandle is not null);
        try
        {
            try
            {
                await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException e)
            {
                var status = (int)socket.HttpStatusCode;
                var kind = status == 0 ? GeminiFailureKind.Transient : GeminiCloseClassifier.ClassifyHandshake(status);
                throw new GeminiLiveException(kind, status == 0
                    ? $"Gemini Live connection to {uri.Authority} failed."
                    : $"Gemini Live handshake refused with HTTP {status}.", inner: e);
            }
            catch (HttpRequestException e)
            {
                throw new GeminiLiveException(GeminiFailureKind.Transient, $"Gemini Live connection to {uri.Authority} failed.", inner: e);
            }

            session._receiveLoop = Task.Run(session.ReceiveLoopAsync, CancellationToken.None);
            try
            {
                await session.SendRawAsync(GeminiClientMessages.Setup(options, model, resumeHandle), cancellationToken).ConfigureAwait(false);
            }
            catch (GeminiLiveException)
            {
                // The server may have closed before it read the setup (e.g. refusing the key at once): then its
                // close, read below, is the real reason; otherwise the send failure is.
                if (!await session.CloseSeenWithinAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false))
                {
                    throw;
                }
            }

            var first = await Task.WhenAny(session._setup.Task, session._closed.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (first == session._closed.Task)
            {
                var close = session._closed.Task.Result;
                throw new GeminiLiveException(close.Kind, $"Gemini Live setup refused ({close}).", close.Code, close.Reason);
            }

            session.SessionId = session._setup.Task.Result.SessionId;
            GeminiLog.SetupComplete(logger, model, session.SessionId);
            return session;
        }
        catch (Exception e)
        {
            socket.Abort();
            await session.DisposeAsync().ConfigureAwait(false);
            if (e is GeminiLiveException failure)
            {
                GeminiLog.ConnectFailed(logger, failure.Kind, failure.Message);
            }

            throw;
        }
    }

    /// <summary>Sends 16 kHz PCM16 mono as <c>realtimeInput.audio</c>; base64 is written into the session's message buffer.</summary>
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken = default)
    {
        ThrowIfClosing();
        // Not an async method on the common path (the lock free, the socket taking the bytes at once): a Debug build
        // allocates every async method's state machine on each call, which would hide a real allocation from the CI
        // guard, and even pooled state machines cost more than the few checks below.
        if (!_sendLock.Wait(0))
        {
            return SendAudioQueuedAsync(pcm16k, cancellationToken);
        }

        ValueTask send;
        try
        {
            ThrowIfClosing();
            var length = WriteAudioMessage(pcm16k.Span);
            send = StartSendLocked(_audioMessage.AsMemory(0, length));
        }
        catch
        {
            _sendLock.Release();
            throw;
        }

        if (send.IsCompletedSuccessfully)
        {
            _sendLock.Release();
            _metrics.AudioSent.Add(pcm16k.Length);
            return default;
        }

        return FinishAudioSendAsync(send, pcm16k.Length, cancellationToken);
    }

    /// <summary>The send lock was taken: waits for it, then sends as <see cref="SendAudioAsync"/> does.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAudioQueuedAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosing();
            var length = WriteAudioMessage(pcm16k.Span);
            await SendLockedAsync(_audioMessage.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            _metrics.AudioSent.Add(pcm16k.Length);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The socket left the send pending (or failed it): waits for it under the send lock, which it then releases.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FinishAudioSendAsync(ValueTask send, int pcmLength, CancellationToken cancellationToken)
    {
        try
        {
            await WaitForSendLockedAsync(send, cancellationToken).ConfigureAwait(false);
            _metrics.AudioSent.Add(pcmLength);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Writes the audio message into the session's buffer, which it may replace; the caller holds the send lock.</summary>
    /// <returns>The message's length in the buffer as it is after the call.</returns>
    private int WriteAudioMessage(ReadOnlySpan<byte> pcm16k)
    {
        // One buffer per session, used under the send lock: a message rented from the shared pool beside the
        // WebSocket's own send buffer (same size class, same thread) made the pool allocate one of the two afresh.
        var needed = GeminiClientMessages.MaxAudioMessageLength(pcm16k.Length);
        if (_audioMessage.Length < needed)
        {
            _audioMessage = new byte[needed];
        }

        return GeminiClientMessages.WriteAudio(pcm16k, _audioMessage);
    }

    public ValueTask SendAudioStreamEndAsync(CancellationToken cancellationToken = default) =>
        SendRawAsync(GeminiClientMessages.AudioStreamEnd, cancellationToken);

    /// <summary>A complete user text turn (<c>clientContent</c>); starts a model reply.</summary>
    public ValueTask SendTextTurnAsync(string text, CancellationToken cancellationToken = default) =>
        SendRawAsync(GeminiClientMessages.TextTurn(text), cancellationToken);

    /// <summary>Replaces the persona in place; only for models whose capabilities include <c>contextUpdate</c>.</summary>
    public ValueTask SendContextUpdateAsync(string systemInstruction, CancellationToken cancellationToken = default) =>
        SendRawAsync(GeminiClientMessages.ContextUpdate(systemInstruction), cancellationToken);

    public ValueTask SendToolResponseAsync(string id, string name, JsonElement response, CancellationToken cancellationToken = default) =>
        SendRawAsync(GeminiClientMessages.ToolResponse(id, name, response), cancellationToken);

    /// <summary>Closes with 1000 and waits (bounded) for the server's close.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        _closedByUs = true;
        _closing = true;
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client closing", timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }

                await _closed.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closedByUs |= !_closed.Task.IsCompleted;
        _closing = true;
        _socket.Abort();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The loop records how the socket ended; nothing more to do with it here.
        }

        _closed.TrySetResult(new GeminiCloseInfo(null, "disposed", GeminiFailureKind.Normal));
        _socket.Dispose();
        _message.Dispose();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendRawAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        ThrowIfClosing();
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosing();
            await SendLockedAsync(utf8Json, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends one message; the caller holds the send lock.</summary>
    private ValueTask SendLockedAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        var send = StartSendLocked(utf8Json);
        return send.IsCompletedSuccessfully ? default : WaitForSendLockedAsync(send, cancellationToken);
    }

    /// <summary>Hands one message to the socket; the caller holds the send lock and waits for what is returned.</summary>
    private ValueTask StartSendLocked(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            // ManagedWebSocket sends with a cancellable token on its allocating slow path (a state machine and a rented
            // buffer per message, 20 ms apart in every conversation). Without one it takes the fast path, which
            // completes at once while the socket takes the bytes; only a send left pending waits on the token, and
            // cancelling it aborts the socket, as the token would have.
            return _socket.SendAsync(utf8Json, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            throw Lost(e);
        }
    }

    /// <summary>Waits for a send the socket left pending (or failed at once); the caller holds the send lock.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitForSendLockedAsync(ValueTask send, CancellationToken cancellationToken)
    {
        try
        {
            if (send.IsCompleted)
            {
                await send.ConfigureAwait(false);
            }
            else
            {
                await WaitForSendAsync(send, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            throw Lost(e);
        }
    }

    private GeminiLiveException Lost(Exception e)
    {
        _closing = true;
        return new GeminiLiveException(GeminiFailureKind.Transient, "Gemini Live connection lost while sending.", inner: e);
    }

    private async Task WaitForSendAsync(ValueTask send, CancellationToken cancellationToken)
    {
        var sending = send.AsTask();
        try
        {
            await sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !sending.IsCompleted)
        {
            _socket.Abort();
            // The aborted send faults; observed here so that it is not reported as an unobserved task exception.
            _ = sending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
    }

    private async Task<bool> CloseSeenWithinAsync(TimeSpan wait)
    {
        try
        {
            await _closed.Task.WaitAsync(wait).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void ThrowIfClosing()
    {
        if (_closing)
        {
            throw new GeminiLiveException(GeminiFailureKind.Transient, "The Gemini Live transport is closed.");
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        var count = 0;
        var oversized = false;
        GeminiCloseInfo close;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    if (buffer.Length >= _maxMessageBytes)
                    {
                        // Keep reading to the end of this message, then drop it.
                        oversized = true;
                        count = 0;
                    }
                    else
                    {
                        var grown = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _maxMessageBytes));
                        buffer.AsSpan(0, count).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = grown;
                    }
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closing = true;
                    var code = (int?)_socket.CloseStatus;
                    var reason = Scrub(_socket.CloseStatusDescription);
                    close = new GeminiCloseInfo(code, reason, _closedByUs
                        ? GeminiFailureKind.Normal
                        : GeminiCloseClassifier.Classify(code, reason, resuming: Resumed && !_setup.Task.IsCompleted));
                    await AcknowledgeCloseAsync().ConfigureAwait(false);
                    break;
                }

                count += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (oversized)
                {
                    _metrics.MessagesDropped.Add(1, GeminiMetrics.Oversized);
                    GeminiLog.Oversized(_logger, _maxMessageBytes);
                    oversized = false;
                }
                else
                {
                    Dispatch(buffer.AsSpan(0, count), _time.GetTimestamp());
                }

                count = 0;
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _closing = true;
            close = new GeminiCloseInfo(null, _closedByUs ? "closed by client" : "connection lost", _closedByUs ? GeminiFailureKind.Normal : GeminiFailureKind.Transient);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        GeminiLog.Closed(_logger, close);
        _closed.TrySetResult(close);
    }

    private async Task AcknowledgeCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    /// <param name="utf8Json">One whole server message.</param>
    /// <param name="receivedAt">When its last fragment came off the socket.</param>
    private void Dispatch(ReadOnlySpan<byte> utf8Json, long receivedAt)
    {
        _metrics.MessagesReceived.Add(1);
        if (!GeminiServerMessageParser.TryParse(utf8Json, _message))
        {
            _metrics.MessagesDropped.Add(1, GeminiMetrics.Malformed);
            GeminiLog.Malformed(_logger, utf8Json.Length);
            return;
        }

        if (_message.IsEmpty)
        {
            _metrics.MessagesDropped.Add(1, GeminiMetrics.Unknown);
            GeminiLog.Unknown(_logger);
            return;
        }

        try
        {
            _listener.OnMessageReceived(receivedAt);
            var audio = _message.Audio;
            if (!audio.IsEmpty)
            {
                _metrics.AudioReceived.Add(audio.Length);
                _listener.OnAudio(audio);
            }

            // Indexed: a foreach over the IReadOnlyList boxes its enumerator, once per message (every model audio chunk).
            var events = _message.Events;
            for (var i = 0; i < events.Count; i++)
            {
                var liveEvent = events[i];
                if (liveEvent is GeminiSetupComplete setupComplete)
                {
                    _setup.TrySetResult(setupComplete);
                }

                _listener.OnEvent(liveEvent);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            GeminiLog.ListenerFailed(_logger, e);
        }
    }

    private string? Scrub(string? text) =>
        text is null || _apiKey.Length == 0 ? text : text.Replace(_apiKey, "[redacted]", StringComparison.Ordinal);
}
