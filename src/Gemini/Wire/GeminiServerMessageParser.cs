using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Chorus.Gemini.Events;

namespace Chorus.Gemini.Wire;

/// <summary>
/// Decodes one server message (UTF-8 JSON from a text or binary frame) into a reusable
/// <see cref="GeminiServerMessage"/>. Forward-only over the bytes; audio base64 is decoded straight into the
/// message's pooled buffer. Unknown fields and kinds are skipped; anything malformed fails the whole message.
/// </summary>
internal static class GeminiServerMessageParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    /// <returns>False when the message is malformed; <paramref name="message"/> is then left empty.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, GeminiServerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Reset();
        try
        {
            var reader = new Utf8JsonReader(utf8Json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
            ParseRoot(ref reader, message);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            message.Reset();
            return false;
        }
    }

    private static void ParseRoot(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("serverContent"u8))
            {
                reader.Read();
                ParseServerContent(ref reader, message);
            }
            else if (reader.ValueTextEquals("setupComplete"u8))
            {
                reader.Read();
                string? sessionId = null;
                ExpectObjectStart(ref reader);
                while (NextProperty(ref reader))
                {
                    if (reader.ValueTextEquals("sessionId"u8))
                    {
                        reader.Read();
                        sessionId = ReadString(ref reader);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }

                message.Add(new GeminiSetupComplete(sessionId));
            }
            else if (reader.ValueTextEquals("goAway"u8))
            {
                reader.Read();
                ParseGoAway(ref reader, message);
            }
            else if (reader.ValueTextEquals("sessionResumptionUpdate"u8))
            {
                reader.Read();
                ParseResumptionUpdate(ref reader, message);
            }
            else if (reader.ValueTextEquals("usageMetadata"u8))
            {
                reader.Read();
                ParseUsage(ref reader, message);
            }
            else if (reader.ValueTextEquals("toolCall"u8))
            {
                reader.Read();
                ParseToolCall(ref reader, message);
            }
            else if (reader.ValueTextEquals("toolCallCancellation"u8))
            {
                reader.Read();
                ParseToolCallCancellation(ref reader, message);
            }
            else
            {
                message.UnknownFields++;
                SkipValue(ref reader);
            }
        }

        if (reader.Read())
        {
            throw new JsonException("Trailing content after the message.");
        }
    }

    private static void ParseServerContent(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        ExpectObjectStart(ref reader);
        bool turnComplete = false, generationComplete = false, interrupted = false;
        string? turnCompleteReason = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("modelTurn"u8))
            {
                reader.Read();
                ParseModelTurn(ref reader, message);
            }
            else if (reader.ValueTextEquals("turnComplete"u8))
            {
                reader.Read();
                turnComplete = ReadBool(ref reader);
            }
            else if (reader.ValueTextEquals("generationComplete"u8))
            {
                reader.Read();
                generationComplete = ReadBool(ref reader);
            }
            else if (reader.ValueTextEquals("interrupted"u8))
            {
                reader.Read();
                interrupted = ReadBool(ref reader);
            }
            else if (reader.ValueTextEquals("turnCompleteReason"u8))
            {
                reader.Read();
                turnCompleteReason = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("inputTranscription"u8))
            {
                reader.Read();
                ParseTranscription(ref reader, message, GeminiTranscriptionSource.Input);
            }
            else if (reader.ValueTextEquals("outputTranscription"u8))
            {
                reader.Read();
                ParseTranscription(ref reader, message, GeminiTranscriptionSource.Output);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        // Documented order: generationComplete precedes turnComplete, interrupted precedes turnComplete.
        if (generationComplete)
        {
            message.Add(GeminiGenerationComplete.Instance);
        }

        if (interrupted)
        {
            message.Add(GeminiInterrupted.Instance);
        }

        if (turnComplete)
        {
            message.Add(turnCompleteReason is null ? GeminiTurnComplete.Plain : new GeminiTurnComplete(turnCompleteReason));
        }
    }

    private static void ParseModelTurn(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        ExpectObjectStart(ref reader);
        while (NextProperty(ref reader))
        {
            if (!reader.ValueTextEquals("parts"u8))
            {
                SkipValue(ref reader);
                continue;
            }

            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            Expect(ref reader, JsonTokenType.StartArray);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ParsePart(ref reader, message);
            }
        }
    }

    private static void ParsePart(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? text = null;
        var thought = false;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("inlineData"u8))
            {
                reader.Read();
                ParseInlineData(ref reader, message);
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("thought"u8))
            {
                reader.Read();
                thought = ReadBool(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        if (text is not null && !thought)
        {
            message.Add(new GeminiModelText(text));
        }
    }

    private static void ParseInlineData(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        ExpectObjectStart(ref reader);
        var start = message.AudioLength;
        var decoded = 0;
        var isAudio = true;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonException("inlineData.data is not a string.");
                }

                decoded += DecodeBase64(ref reader, message);
            }
            else if (reader.ValueTextEquals("mimeType"u8))
            {
                reader.Read();
                isAudio = reader.TokenType == JsonTokenType.String && reader.ValueSpan.StartsWith("audio/pcm"u8);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        // The mime type may follow the data; undo the decode when it turns out not to be PCM audio.
        message.AudioLength = isAudio ? start + decoded : start;
    }

    private static int DecodeBase64(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return DecodeInto(reader.ValueSpan, message);
        }

        // Escaped base64 ("\/" or "\u002B") is legal JSON; unescape into a rented buffer first.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var scratch = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(scratch);
            return DecodeInto(scratch.AsSpan(0, written), message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static int DecodeInto(ReadOnlySpan<byte> base64, GeminiServerMessage message)
    {
        var destination = message.ReserveAudio(Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        var status = Base64.DecodeFromUtf8(base64, destination, out _, out var written);
        if (status != OperationStatus.Done)
        {
            throw new FormatException("inlineData.data is not valid base64.");
        }

        message.AudioLength += written;
        return written;
    }

    private static void ParseTranscription(ref Utf8JsonReader reader, GeminiServerMessage message, GeminiTranscriptionSource source)
    {
        ExpectObjectStart(ref reader);
        string? text = null;
        var finished = false;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("finished"u8))
            {
                reader.Read();
                finished = ReadBool(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        if (text is not null || finished)
        {
            message.Add(new GeminiTranscription(source, text ?? string.Empty, finished));
        }
    }

    private static void ParseGoAway(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        ExpectObjectStart(ref reader);
        var timeLeft = TimeSpan.Zero;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("timeLeft"u8))
            {
                reader.Read();
                timeLeft = ReadDuration(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        message.Add(new GeminiGoAway(timeLeft));
    }

    private static void ParseResumptionUpdate(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        ExpectObjectStart(ref reader);
        string? handle = null;
        var resumable = false;
        long? lastConsumed = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("newHandle"u8))
            {
                reader.Read();
                handle = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("resumable"u8))
            {
                reader.Read();
                resumable = ReadBool(ref reader);
            }
            else if (reader.ValueTextEquals("lastConsumedClientMessageIndex"u8))
            {
                reader.Read();
                lastConsumed = ReadInt64(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        message.Add(new GeminiResumptionUpdate(handle, resumable, lastConsumed));
    }

    private static void ParseUsage(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        ExpectObjectStart(ref reader);
        long prompt = 0, response = 0, total = 0, thoughts = 0, cached = 0;
        IReadOnlyList<GeminiModalityTokens> promptDetails = [], responseDetails = [];
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("promptTokenCount"u8))
            {
                reader.Read();
                prompt = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("responseTokenCount"u8) || reader.ValueTextEquals("candidatesTokenCount"u8))
            {
                reader.Read();
                response = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("totalTokenCount"u8))
            {
                reader.Read();
                total = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("thoughtsTokenCount"u8))
            {
                reader.Read();
                thoughts = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("cachedContentTokenCount"u8))
            {
                reader.Read();
                cached = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("promptTokensDetails"u8))
            {
                reader.Read();
                promptDetails = ReadModalityTokens(ref reader);
            }
            else if (reader.ValueTextEquals("responseTokensDetails"u8) || reader.ValueTextEquals("candidatesTokensDetails"u8))
            {
                reader.Read();
                responseDetails = ReadModalityTokens(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        message.Add(new GeminiUsage(prompt, response, total, thoughts, cached, promptDetails, responseDetails));
    }

    private static List<GeminiModalityTokens> ReadModalityTokens(ref Utf8JsonReader reader)
    {
        var list = new List<GeminiModalityTokens>();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return list;
        }

        Expect(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject);
            var modality = "MODALITY_UNSPECIFIED";
            long count = 0;
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("modality"u8))
                {
                    reader.Read();
                    modality = ReadString(ref reader) ?? modality;
                }
                else if (reader.ValueTextEquals("tokenCount"u8))
                {
                    reader.Read();
                    count = ReadInt64(ref reader);
                }
                else
                {
                    SkipValue(ref reader);
                }
            }

            list.Add(new GeminiModalityTokens(modality, count));
        }

        return list;
    }

    private static void ParseToolCall(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        ExpectObjectStart(ref reader);
        var calls = new List<GeminiFunctionCall>();
        while (NextProperty(ref reader))
        {
            if (!reader.ValueTextEquals("functionCalls"u8))
            {
                SkipValue(ref reader);
                continue;
            }

            reader.Read();
            Expect(ref reader, JsonTokenType.StartArray);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Expect(ref reader, JsonTokenType.StartObject);
                string? id = null, name = null;
                JsonElement? args = null;
                while (NextProperty(ref reader))
                {
                    if (reader.ValueTextEquals("id"u8))
                    {
                        reader.Read();
                        id = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("name"u8))
                    {
                        reader.Read();
                        name = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("args"u8))
                    {
                        reader.Read();
                        args = JsonElement.ParseValue(ref reader);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }

                calls.Add(new GeminiFunctionCall(id, name ?? throw new JsonException("functionCall without a name."), args));
            }
        }

        message.Add(new GeminiToolCall(calls));
    }

    private static void ParseToolCallCancellation(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        ExpectObjectStart(ref reader);
        var ids = new List<string>();
        while (NextProperty(ref reader))
        {
            if (!reader.ValueTextEquals("ids"u8))
            {
                SkipValue(ref reader);
                continue;
            }

            reader.Read();
            Expect(ref reader, JsonTokenType.StartArray);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ids.Add(ReadString(ref reader) ?? throw new JsonException("Null tool call id."));
            }
        }

        message.Add(new GeminiToolCallCancellation(ids));
    }

    /// <summary>Advances to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("Unexpected end of message.");
        }

        return reader.TokenType switch
        {
            JsonTokenType.PropertyName => true,
            JsonTokenType.EndObject => false,
            _ => throw new JsonException("Expected a property name."),
        };
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType == JsonTokenType.None)
        {
            reader.Read();
        }

        if (reader.TokenType != type)
        {
            throw new JsonException("Unexpected token.");
        }
    }

    private static void ExpectObjectStart(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected an object.");
        }
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private static string? ReadString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException("Expected a string."),
    };

    private static bool ReadBool(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        _ => throw new JsonException("Expected a boolean."),
    };

    /// <summary>int64 is a JSON string in proto JSON, but numbers are accepted too.</summary>
    private static long ReadInt64(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.GetInt64();
            case JsonTokenType.String:
                if (!reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out long value, out var consumed) && consumed == reader.ValueSpan.Length)
                {
                    return value;
                }

                throw new FormatException("Expected an int64 string.");
            case JsonTokenType.Null:
                return 0;
            default:
                throw new JsonException("Expected an int64.");
        }
    }

    private static TimeSpan ReadDuration(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                Span<char> chars = stackalloc char[64];
                if (reader.ValueSpan.Length <= chars.Length && !reader.ValueIsEscaped)
                {
                    var count = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
                    if (ProtoDuration.TryParse(chars[..count], out var parsed))
                    {
                        return parsed;
                    }
                }

                throw new FormatException("Expected a duration such as \"9.5s\".");
            case JsonTokenType.Number:
                return TimeSpan.FromSeconds(reader.GetDouble());
            case JsonTokenType.Null:
                return TimeSpan.Zero;
            default:
                throw new JsonException("Expected a duration.");
        }
    }
}
