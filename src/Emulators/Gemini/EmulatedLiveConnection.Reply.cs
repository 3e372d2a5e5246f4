using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Chorus.Emulators.Gemini;

internal sealed partial class EmulatedLiveConnection
{
    private const string OutputMimeType = "audio/pcm;rate=24000";

    private void OnSpeechStarted()
    {
        GeminiEmulatorTurn? interrupted = null;
        lock (_replyLock)
        {
            if (_interrupts && _reply is { IsCancellationRequested: false } && _replyTurn is { CompletedAt: null } turn)
            {
                _reply.Cancel();
                _reply = null;
                interrupted = turn;
            }
        }

        if (interrupted is not null)
        {
            interrupted.Interrupted = true;
            _ = InterruptAsync();
        }
    }

    private void OnSpeechEnded(byte[] utterance)
    {
        var reply = _options.Reply switch
        {
            GeminiReplyMode.Echo => PcmResampler.Upsample16kTo24k(utterance),
            GeminiReplyMode.Fixed => _options.FixedReplyPcm24k.ToArray(),
            _ => [],
        };
        StartReply(reply, utterance.Length);
    }

    private void StartReply(byte[] pcm24k, int utteranceBytes)
    {
        var conversation = _conversation!;
        var turn = new GeminiEmulatorTurn
        {
            ConnectionIndex = _record.Index,
            ConversationId = conversation.Id,
            Number = conversation.NextTurn(),
            SpeechEndedAt = _emulator.Time.GetUtcNow(),
            LastSpeechReceivedAt = _lastSpeechReceivedAt,
            UtteranceBytes = utteranceBytes,
        };
        _emulator.Recording.Add(turn);
        CancellationTokenSource reply;
        lock (_replyLock)
        {
            _reply?.Cancel();
            reply = CancellationTokenSource.CreateLinkedTokenSource(_emulator.Stopping);
            _reply = reply;
            _replyTurn = turn;
        }

        _ = ReplyAsync(turn, pcm24k, utteranceBytes, reply.Token);
    }

    private async Task ReplyAsync(GeminiEmulatorTurn turn, byte[] pcm24k, int utteranceBytes, CancellationToken token)
    {
        try
        {
            await SendJsonAsync(w =>
            {
                w.WriteStartObject("serverContent");
                w.WriteStartObject("inputTranscription");
                w.WriteString("text", $" user turn {turn.Number}");
                w.WriteBoolean("finished", true);
                w.WriteEndObject();
                w.WriteEndObject();
            }, token).ConfigureAwait(false);

            if (pcm24k.Length == 0)
            {
                return;
            }

            await Task.Delay(_options.ThinkTime, _emulator.Time, token).ConfigureAwait(false);
            if (_resumption)
            {
                await SendJsonAsync(w =>
                {
                    w.WriteStartObject("sessionResumptionUpdate");
                    w.WriteBoolean("resumable", false);
                    w.WriteEndObject();
                }, token).ConfigureAwait(false);
            }

            var started = _emulator.Time.GetTimestamp();
            var chunkBytes = Math.Max(2, (int)(_options.ReplyChunk.TotalSeconds * 24_000) * 2);
            var pause = _options.ReplyChunk / Math.Max(_options.ReplySpeedup, 0.01);
            for (var offset = 0; offset < pcm24k.Length; offset += chunkBytes)
            {
                var chunk = pcm24k.AsMemory(offset, Math.Min(chunkBytes, pcm24k.Length - offset));
                var first = offset == 0;
                await SendJsonAsync(w =>
                {
                    w.WriteStartObject("serverContent");
                    w.WriteStartObject("modelTurn");
                    w.WriteStartArray("parts");
                    w.WriteStartObject();
                    w.WriteStartObject("inlineData");
                    w.WriteString("mimeType", OutputMimeType);
                    w.WriteBase64String("data", chunk.Span);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteEndObject();
                    if (first)
                    {
                        w.WriteStartObject("outputTranscription");
                        w.WriteString("text", $"reply {turn.Number}");
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }, token).ConfigureAwait(false);

                if (first)
                {
                    turn.FirstReplyAt = _emulator.Time.GetUtcNow();
                    _emulator.Recording.Changed();
                    if (_options.InternalErrorDuringReply && _emulator.TryUseInternalError())
                    {
                        await CloseAsync(1011, InternalError).ConfigureAwait(false);
                        return;
                    }
                }

                await Task.Delay(pause, _emulator.Time, token).ConfigureAwait(false);
            }

            await SendJsonAsync(w =>
            {
                w.WriteStartObject("serverContent");
                w.WriteBoolean("generationComplete", true);
                w.WriteEndObject();
            }, token).ConfigureAwait(false);

            // The service assumes realtime playback: turnComplete comes when the audio would have finished playing.
            var playback = TimeSpan.FromSeconds(pcm24k.Length / 48_000.0);
            var remaining = playback - _emulator.Time.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, _emulator.Time, token).ConfigureAwait(false);
            }

            // 16 kHz 16-bit speech in (32,000 bytes a second), 24 kHz 16-bit speech out (48,000).
            var usage = _conversation!.Context.CompleteTurn(
                EmulatedContextWindow.InputAudioTokens(TimeSpan.FromSeconds(utteranceBytes / 32_000.0)),
                EmulatedContextWindow.OutputAudioTokens(TimeSpan.FromSeconds(pcm24k.Length / 48_000.0)));
            await SendJsonAsync(w =>
            {
                w.WriteStartObject("serverContent");
                w.WriteBoolean("turnComplete", true);
                w.WriteEndObject();
                w.WriteStartObject("usageMetadata");
                w.WriteNumber("promptTokenCount", usage.PromptTokens);
                w.WriteNumber("responseTokenCount", usage.ResponseAudioTokens);
                w.WriteNumber("totalTokenCount", usage.TotalTokens);
                w.WriteStartArray("promptTokensDetails");
                WriteModality(w, "TEXT", usage.PromptTextTokens);
                WriteModality(w, "AUDIO", usage.PromptAudioTokens);
                w.WriteEndArray();
                w.WriteStartArray("responseTokensDetails");
                WriteModality(w, "AUDIO", usage.ResponseAudioTokens);
                w.WriteEndArray();
                w.WriteEndObject();
            }, token).ConfigureAwait(false);
            turn.CompletedAt = _emulator.Time.GetUtcNow();
            _emulator.Recording.Changed();

            if (_resumption)
            {
                await SendResumableAsync().ConfigureAwait(false);
            }

            if (_options.InternalErrorEveryTurns is { } every && Interlocked.Increment(ref _answeredTurns) % every == 0)
            {
                await CloseAsync(1011, InternalError).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Interrupted, closed, or the emulator is stopping.
        }
    }

    private static void WriteModality(Utf8JsonWriter w, string modality, long tokens)
    {
        w.WriteStartObject();
        w.WriteString("modality", modality);
        w.WriteNumber("tokenCount", tokens);
        w.WriteEndObject();
    }

    private async Task InterruptAsync()
    {
        try
        {
            await SendJsonAsync(w =>
            {
                w.WriteStartObject("serverContent");
                w.WriteBoolean("interrupted", true);
                w.WriteEndObject();
            }).ConfigureAwait(false);
            await SendJsonAsync(w =>
            {
                w.WriteStartObject("serverContent");
                w.WriteBoolean("turnComplete", true);
                w.WriteEndObject();
            }).ConfigureAwait(false);
            if (_resumption)
            {
                await SendResumableAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Closed meanwhile.
        }
    }

    private Task SendResumableAsync()
    {
        var conversation = _conversation!;
        var handle = conversation.NextHandle();
        _emulator.Register(handle, conversation);
        return SendJsonAsync(w =>
        {
            w.WriteStartObject("sessionResumptionUpdate");
            w.WriteString("newHandle", handle);
            w.WriteBoolean("resumable", true);
            w.WriteEndObject();
        });
    }

    private void CancelReply()
    {
        lock (_replyLock)
        {
            _reply?.Cancel();
            _reply = null;
        }
    }

    private Task SendJsonAsync(Action<Utf8JsonWriter> body, CancellationToken replyToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return SendAsync(buffer.WrittenMemory, !_options.TextFrames, replyToken);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> utf8, bool binary, CancellationToken replyToken = default)
    {
        await _sendLock.WaitAsync(_emulator.Stopping).ConfigureAwait(false);
        try
        {
            // Checked under the lock so nothing of a cancelled reply follows an `interrupted`.
            if (_closing || replyToken.IsCancellationRequested || _socket.State != WebSocketState.Open)
            {
                return;
            }

            await _socket.SendAsync(utf8, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, _emulator.Stopping).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseAsync(int code, string reason)
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        ReleaseSession();
        _record.ClosedAt = _emulator.Time.GetUtcNow();

        // A close reason is limited to 123 UTF-8 bytes by RFC 6455.
        while (System.Text.Encoding.UTF8.GetByteCount(reason) > 123)
        {
            reason = reason[..^1];
        }

        _record.CloseCode = code;
        _record.CloseReason = reason;
        CancelReply();
        await CloseOutputAsync((WebSocketCloseStatus)code, reason).ConfigureAwait(false);
    }

    private async Task CloseOutputAsync(WebSocketCloseStatus status, string? reason)
    {
        await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(status, reason, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // Peer already gone.
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
