using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Chorus.Emulators.Gemini;

/// <summary>One emulated Live connection: setup, realtime input, VAD-driven replies, scripted failures.</summary>
internal sealed partial class EmulatedLiveConnection
{
    private const string InvalidArgument = "Request contains an invalid argument.";
    private const string InternalError = "Internal error encountered.";

    private readonly GeminiLiveEmulator _emulator;
    private readonly GeminiEmulatorOptions _options;
    private readonly WebSocket _socket;
    private readonly GeminiEmulatorConnection _record;
    private readonly string _apiVersion;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly EnergyVoiceDetector _vad;
    private DateTimeOffset? _lastSpeechReceivedAt;
    private readonly Lock _replyLock = new();
    private EmulatedConversation? _conversation;
    private EmulatedModelRules? _rules;
    private CancellationTokenSource? _reply;
    private GeminiEmulatorTurn? _replyTurn;
    private bool _resumption;
    private bool _interrupts = true;
    private bool _setupDone;
    private int _answeredTurns;
    private volatile bool _closing;

    public EmulatedLiveConnection(GeminiLiveEmulator emulator, WebSocket socket, GeminiEmulatorConnection record, string apiVersion)
    {
        _emulator = emulator;
        _options = emulator.Options;
        _socket = socket;
        _record = record;
        _apiVersion = apiVersion;
        _vad = new EnergyVoiceDetector(_options.SpeechRms, _options.SpeechStart, _options.SpeechEndSilence);
        _vad.SpeechStarted += OnSpeechStarted;
        _vad.SpeechEnded += OnSpeechEnded;
        record.SendRawAsync = (json, binary) => SendAsync(Encoding.UTF8.GetBytes(json), binary);
    }

    public async Task RunAsync(string apiKey)
    {
        if (_options.CloseOnConnect is { } immediate)
        {
            await CloseAsync(immediate.Code, immediate.Reason).ConfigureAwait(false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    var grown = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, count).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                using var drain = _closing ? new CancellationTokenSource(TimeSpan.FromSeconds(2)) : null;
                var token = drain?.Token ?? _emulator.Stopping;
                var result = await _socket.ReceiveAsync(buffer.AsMemory(count), token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!_closing)
                    {
                        // Released before our close reply, so a client that waits for it may resume at once.
                        ReleaseSession();
                        _record.ClosedAt = _emulator.Time.GetUtcNow();
                        _record.ClosedByClient = true;
                        _record.CloseCode = (int?)_socket.CloseStatus;
                        _record.CloseReason = _socket.CloseStatusDescription;
                        _closing = true;
                        await CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
                    }

                    break;
                }

                count += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var message = buffer.AsMemory(0, count);
                count = 0;
                if (_closing)
                {
                    // After our close frame nothing is processed, like the real service.
                    _record.Message("ignored-after-close");
                    continue;
                }

                await HandleMessageAsync(message, apiKey).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer vanished or the emulator is stopping.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            CancelReply();
            ReleaseSession();
            _record.MarkClosed();
        }
    }

    private async Task HandleMessageAsync(ReadOnlyMemory<byte> utf8, string apiKey)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            _record.Message("malformed");
            await CloseAsync(1007, InvalidArgument).ConfigureAwait(false);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 1)
            {
                _record.Message("invalid");
                await CloseAsync(1007, InvalidArgument).ConfigureAwait(false);
                return;
            }

            var property = root.EnumerateObject().First();
            _record.Message(property.Name);
            if (!_setupDone)
            {
                if (property.Name != "setup")
                {
                    await CloseAsync(1007, InvalidArgument).ConfigureAwait(false);
                    return;
                }

                await HandleSetupAsync(property.Value, utf8, apiKey).ConfigureAwait(false);
                return;
            }

            switch (property.Name)
            {
                case "realtimeInput":
                    await HandleRealtimeInputAsync(property.Value).ConfigureAwait(false);
                    break;
                case "clientContent":
                    HandleClientContent(property.Value);
                    break;
                case "contextUpdate":
                    await HandleContextUpdateAsync(property.Value).ConfigureAwait(false);
                    break;
                case "toolResponse":
                    break;
                default:
                    // A second setup, or a kind the service does not know.
                    await CloseAsync(1007, InvalidArgument).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task HandleSetupAsync(JsonElement setup, ReadOnlyMemory<byte> raw, string apiKey)
    {
        _record.SetupJson = Encoding.UTF8.GetString(raw.Span);
        if (apiKey.Length == 0 || _emulator.KeyRevoked || (_options.ApiKey is { } expected && !string.Equals(apiKey, expected, StringComparison.Ordinal)))
        {
            await CloseAsync(1007, GeminiLiveEmulator.InvalidKeyReason).ConfigureAwait(false);
            return;
        }

        if (_options.Strict && GeminiSetupSchema.Check(setup) is { } invalid)
        {
            await RefuseAsync(invalid).ConfigureAwait(false);
            return;
        }

        if (_options.IgnoreSetup)
        {
            return;
        }

        if (_options.RejectSetup is { } rejection)
        {
            await CloseAsync(rejection.Code, rejection.Reason).ConfigureAwait(false);
            return;
        }

        var model = setup.TryGetProperty("model", out var modelElement) && modelElement.ValueKind == JsonValueKind.String ? modelElement.GetString()! : string.Empty;
        var modelId = model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;
        _record.Model = modelId;
        if (!_options.Models.Contains(modelId))
        {
            await CloseAsync(1008, $"models/{modelId} is not found for API version {_apiVersion}, or is not supported for bidiGenerateContent.").ConfigureAwait(false);
            return;
        }

        _rules = EmulatedModelRules.For(modelId);
        if (_options.Strict && _rules.Check(setup) is { } unsupported)
        {
            await RefuseAsync(unsupported).ConfigureAwait(false);
            return;
        }

        if (setup.TryGetProperty("realtimeInputConfig", out var realtime) && realtime.TryGetProperty("activityHandling", out var handling))
        {
            _interrupts = handling.GetString() != "NO_INTERRUPTION";
        }

        _resumption = setup.TryGetProperty("sessionResumption", out var resumption) && resumption.ValueKind == JsonValueKind.Object;
        if (_resumption && resumption.TryGetProperty("handle", out var handleElement) && handleElement.GetString() is { Length: > 0 } handle)
        {
            _record.ResumeHandle = handle;
            if (_options.RejectResume is { } resumeRejection)
            {
                await CloseAsync(resumeRejection.Code, resumeRejection.Reason).ConfigureAwait(false);
                return;
            }

            var restored = _options.RefuseResumption ? null : _emulator.Restore(handle);
            if (restored is not null && _options.RefuseResumeAfterTurns is { } after && restored.Turns >= after && _emulator.TryUseResumeRefusal())
            {
                restored = null;
            }
            if (restored is null)
            {
                await CloseAsync(1007, InvalidArgument).ConfigureAwait(false);
                return;
            }

            // The service serves a session on one socket: a resume while an earlier socket is open fails (1011).
            if (!restored.TryHold(this))
            {
                _record.RefusedWhileHeld = true;
                await CloseAsync(1011, InternalError).ConfigureAwait(false);
                return;
            }

            _conversation = restored;
            _record.Resumed = true;
        }

        if (_conversation is null)
        {
            _conversation = new EmulatedConversation();
            _conversation.TryHold(this);
            if (setup.TryGetProperty("systemInstruction", out var seeded) && LastReplyIn(TextOf(seeded)) is { } after)
            {
                // The model reads the earlier turns in its instruction and goes on from them, as the real one does.
                _conversation.ContinueAfter(after);
                _record.SeededAfterTurn = after;
            }
        }

        if (setup.TryGetProperty("systemInstruction", out var instruction))
        {
            _conversation.SystemInstruction = TextOf(instruction);
        }

        ConfigureCompression(setup, _conversation.Context);
        _record.ConversationId = _conversation.Id;
        _record.SystemInstruction = _conversation.SystemInstruction;
        _setupDone = true;
        await SendJsonAsync(w =>
        {
            w.WriteStartObject("setupComplete");
            w.WriteString("sessionId", $"{_conversation.Id}-{_record.Index}");
            w.WriteEndObject();
        }).ConfigureAwait(false);
        _record.SetupCompleted = true;

        if (_resumption)
        {
            await SendResumableAsync().ConfigureAwait(false);
        }

        if (_options.CloseAfterSetup is { } drop)
        {
            await CloseAsync(drop.Code, drop.Reason).ConfigureAwait(false);
            return;
        }

        if (_options.SendMalformedAfterSetup)
        {
            await SendAsync("{\"serverContent\": {\"turnComplete\": tru"u8.ToArray(), binary: true).ConfigureAwait(false);
            await SendAsync("{\"serverContent\":{\"turnComplete\":\"maybe\"}}"u8.ToArray(), binary: true).ConfigureAwait(false);
            await SendAsync("[1,2,3]"u8.ToArray(), binary: false).ConfigureAwait(false);
            await SendAsync("{\"voiceActivity\":{\"voiceActivityType\":\"ACTIVITY_START\"}}"u8.ToArray(), binary: true).ConfigureAwait(false);
        }

        if (_options.GoAwayAfter is { } goAwayAfter)
        {
            _ = GoAwayLaterAsync(goAwayAfter);
        }
    }

    private async Task HandleRealtimeInputAsync(JsonElement input)
    {
        if (input.TryGetProperty("audio", out var audio))
        {
            if (!audio.TryGetProperty("data", out var data) || !data.TryGetBytesFromBase64(out var pcm))
            {
                await CloseAsync(1007, InvalidArgument).ConfigureAwait(false);
                return;
            }

            if (_options.Strict && !IsPcm(audio))
            {
                var mimeType = audio.TryGetProperty("mimeType", out var type) ? type.GetRawText() : "(none)";
                await RefuseAsync($"Invalid argument at 'realtime_input.audio.mime_type': unsupported audio format {mimeType}; send audio/pcm.").ConfigureAwait(false);
                return;
            }

            _record.Audio(pcm, _emulator.Time.GetUtcNow());
            if (_options.InternalErrorAfterAudio is { } limit
                && _record.AudioBytes >= limit.TotalSeconds * 32_000
                && _emulator.TryUseInternalError())
            {
                await CloseAsync(1011, InternalError).ConfigureAwait(false);
                return;
            }

            var loudBefore = _vad.LoudFrames;
            var receivedAt = _emulator.Time.GetUtcNow();
            _vad.Process(pcm);
            if (_vad.LoudFrames != loudBefore)
            {
                _lastSpeechReceivedAt = receivedAt;
            }
        }
        else if (input.TryGetProperty("audioStreamEnd", out var end) && end.ValueKind == JsonValueKind.True)
        {
            _record.AudioStreamEnded(_emulator.Time.GetUtcNow());
            _vad.StreamEnded();
        }
        else if (input.TryGetProperty("activityStart", out _))
        {
            _record.Message("activityStart");
        }
        else if (input.TryGetProperty("activityEnd", out _))
        {
            _record.Message("activityEnd");
        }
        else if (input.TryGetProperty("text", out var text))
        {
            _record.TextTurn(text.GetString() ?? string.Empty);
            StartReply(Tone(), 0);
        }
    }

    private void HandleClientContent(JsonElement content)
    {
        var text = new StringBuilder();
        if (content.TryGetProperty("turns", out var turns) && turns.ValueKind == JsonValueKind.Array)
        {
            foreach (var turn in turns.EnumerateArray())
            {
                text.Append(TextOf(turn));
            }
        }

        _record.TextTurn(text.ToString());
        if (content.TryGetProperty("turnComplete", out var complete) && complete.ValueKind == JsonValueKind.True)
        {
            StartReply(Tone(), 0);
        }
    }

    private async Task HandleContextUpdateAsync(JsonElement update)
    {
        // Only models that know contextUpdate accept it; the others refuse the unknown message.
        if (_rules is not { ContextUpdate: true })
        {
            await CloseAsync(1007, InvalidArgument).ConfigureAwait(false);
            return;
        }

        if (update.TryGetProperty("systemInstruction", out var instruction))
        {
            var text = TextOf(instruction);
            _conversation!.SystemInstruction = text;
            _record.ContextUpdate(text);
        }
    }

    /// <summary>Closes like the service when the key in use stops being valid mid-session.</summary>
    internal Task CloseForRevokedKeyAsync(int code) => CloseAsync(code, GeminiLiveEmulator.InvalidKeyReason);

    private static bool IsPcm(JsonElement audio)
    {
        if (!audio.TryGetProperty("mimeType", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var mimeType = type.GetString()!;
        if (mimeType == "audio/pcm")
        {
            return true;
        }

        const string RatePrefix = "audio/pcm;rate=";
        return mimeType.StartsWith(RatePrefix, StringComparison.Ordinal)
            && int.TryParse(mimeType.AsSpan(RatePrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rate)
            && rate > 0;
    }

    /// <summary>A 1007 whose full text is kept in the recording (the close frame truncates it to 123 bytes).</summary>
    private Task RefuseAsync(string reason)
    {
        _record.Refusal = reason;
        return CloseAsync(1007, reason);
    }

    /// <summary><c>contextWindowCompression</c> as the service reads it (int64 numbers may come as strings, as the JSON mapping allows).</summary>
    private static void ConfigureCompression(JsonElement setup, EmulatedContextWindow context)
    {
        if (!setup.TryGetProperty("contextWindowCompression", out var compression) || compression.ValueKind != JsonValueKind.Object)
        {
            context.Configure(false, null, null);
            return;
        }

        long? target = null;
        if (compression.TryGetProperty("slidingWindow", out var window) && window.ValueKind == JsonValueKind.Object)
        {
            target = Int64(window, "targetTokens");
        }

        context.Configure(true, Int64(compression, "triggerTokens"), target);
    }

    private static long? Int64(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
    }

    private void ReleaseSession() => _conversation?.Release(this, _emulator.Time.GetUtcNow());

    private async Task GoAwayLaterAsync(TimeSpan after)
    {
        try
        {
            await Task.Delay(after, _emulator.Time, _emulator.Stopping).ConfigureAwait(false);
            if (_closing || !_emulator.TryUseGoAway())
            {
                return;
            }

            var timeLeft = _options.GoAwayTimeLeft;
            await SendJsonAsync(w =>
            {
                w.WriteStartObject("goAway");
                w.WriteString("timeLeft", $"{timeLeft.TotalSeconds:0.###}s");
                w.WriteEndObject();
            }).ConfigureAwait(false);
            await Task.Delay(timeLeft, _emulator.Time, _emulator.Stopping).ConfigureAwait(false);
            await CloseAsync(_options.GoAwayCloseCode, "The session has expired.").ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Emulator stopping or peer gone.
        }
    }

    /// <summary>The highest turn number of this emulator's answers ("reply N") quoted in a system instruction.</summary>
    private static int? LastReplyIn(string instruction)
    {
        int? last = null;
        foreach (Match match in ReplyTranscript().Matches(instruction))
        {
            var number = int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
            last = Math.Max(last ?? 0, number);
        }

        return last;
    }

    [GeneratedRegex(@"\breply (\d{1,9})\b")]
    private static partial Regex ReplyTranscript();

    private static string TextOf(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? string.Empty;
        }

        var text = new StringBuilder();
        if (content.ValueKind == JsonValueKind.Object && content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in parts.EnumerateArray())
            {
                if (part.TryGetProperty("text", out var partText))
                {
                    text.Append(partText.GetString());
                }
            }
        }

        return text.ToString();
    }

    /// <summary>300 ms of a 440 Hz tone at 24 kHz, the answer to text input.</summary>
    private static byte[] Tone()
    {
        var pcm = new byte[24_000 * 2 * 3 / 10];
        for (var i = 0; i < pcm.Length / 2; i++)
        {
            var sample = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 24_000));
            pcm[i * 2] = (byte)sample;
            pcm[(i * 2) + 1] = (byte)(sample >> 8);
        }

        return pcm;
    }
}
