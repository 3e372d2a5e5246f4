using System.Text.Json;

namespace Chorus.Discord.Gateway;

/// <summary>The envelope of one gateway message read in place (op, s, t and where d lies), without allocating.</summary>
internal readonly ref struct GatewayFrame
{
    private GatewayFrame(int opcode, long? sequence, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        Opcode = opcode;
        Sequence = sequence;
        EventName = eventName;
        Data = data;
    }

    /// <summary>-1 when absent, -2 when not an integer.</summary>
    public int Opcode { get; }

    public long? Sequence { get; }

    /// <summary>Raw UTF-8 of t; empty when absent, null or escaped (real event names never are).</summary>
    public ReadOnlySpan<byte> EventName { get; }

    /// <summary>Raw JSON of d; the literal null when absent.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Reads the envelope; on failure <paramref name="error"/> says what was wrong (never payload contents).</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out GatewayFrame frame, out string? error)
    {
        frame = default;
        var op = -1;
        long? sequence = null;
        var eventStart = -1;
        var eventLength = 0;
        var dataStart = -1;
        var dataEnd = -1;
        try
        {
            var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // An object or array where a scalar belongs is skipped whole: otherwise its members would be read as
                // the envelope's own (a nested "op", "t" and "d" taking the place of the real ones).
                if (reader.ValueTextEquals("op"u8))
                {
                    reader.Read();
                    op = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : -2;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("s"u8))
                {
                    reader.Read();
                    sequence = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("t"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                    {
                        eventStart = (int)reader.TokenStartIndex + 1;
                        eventLength = reader.ValueSpan.Length;
                    }

                    reader.Skip();
                }
                else if (reader.ValueTextEquals("d"u8))
                {
                    reader.Read();
                    dataStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    dataEnd = (int)reader.BytesConsumed;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                error = "unterminated object";
                return false;
            }
        }
        catch (JsonException)
        {
            error = "invalid JSON";
            return false;
        }

        frame = new GatewayFrame(
            op,
            sequence,
            eventStart >= 0 ? message.Slice(eventStart, eventLength) : [],
            dataStart >= 0 ? message[dataStart..dataEnd] : "null"u8);
        error = null;
        return true;
    }
}
