using System.Text;
using Chorus.Gemini.Events;
using Chorus.Gemini.Wire;

namespace Chorus.Gemini.Tests;

public sealed class ServerMessageTests
{
    private static GeminiServerMessage Parse(string json)
    {
        var message = new GeminiServerMessage();
        Assert.True(GeminiServerMessageParser.TryParse(Encoding.UTF8.GetBytes(json), message), "expected the message to parse");
        return message;
    }

    [Fact]
    public void SetupComplete_with_and_without_session_id()
    {
        Assert.Equal(new GeminiSetupComplete("s-1"), Assert.Single(Parse("{\"setupComplete\":{\"sessionId\":\"s-1\"}}").Events));
        Assert.Equal(new GeminiSetupComplete(null), Assert.Single(Parse("{\"setupComplete\":{}}").Events));
    }

    [Fact]
    public void Audio_parts_are_decoded_and_concatenated()
    {
        var first = new byte[] { 1, 2, 3, 4 };
        var second = new byte[] { 5, 6 };
        var json = "{\"serverContent\":{\"modelTurn\":{\"role\":\"model\",\"parts\":["
            + "{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"" + Convert.ToBase64String(first) + "\"}},"
            + "{\"inlineData\":{\"data\":\"" + Convert.ToBase64String(second) + "\",\"mimeType\":\"audio/pcm;rate=24000\"}}]}}}";
        using var message = Parse(json);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, message.Audio.ToArray());
        Assert.Empty(message.Events);
    }

    [Fact]
    public void Escaped_base64_is_unescaped_before_decoding()
    {
        var bytes = new byte[] { 0xFB, 0xFF, 0xBF };
        var base64 = Convert.ToBase64String(bytes).Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);

        using var message = Parse("{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"" + base64 + "\"}}]}}}");

        Assert.Equal(bytes, message.Audio.ToArray());
    }

    [Fact]
    public void Non_audio_inline_data_and_thought_parts_are_skipped()
    {
        using var message = Parse("""
            {"serverContent":{"modelTurn":{"parts":[
              {"inlineData":{"data":"AAAA","mimeType":"image/png"}},
              {"text":"hidden","thought":true},
              {"text":"visible"}]}}}
            """);

        Assert.True(message.Audio.IsEmpty);
        Assert.Equal(new GeminiModelText("visible"), Assert.Single(message.Events));
    }

    [Fact]
    public void One_message_with_several_fields_gives_several_events_in_documented_order()
    {
        using var message = Parse("""
            {"serverContent":{"turnComplete":true,"generationComplete":true,"interrupted":true,
               "inputTranscription":{"text":" hello","finished":true},"outputTranscription":{"text":"hi there"},
               "turnCompleteReason":"NEED_MORE_INPUT"},
             "usageMetadata":{"promptTokenCount":522,"responseTokenCount":42,"totalTokenCount":564,
               "promptTokensDetails":[{"modality":"TEXT","tokenCount":332},{"modality":"AUDIO","tokenCount":165}],
               "responseTokensDetails":[{"modality":"AUDIO","tokenCount":42}],"thoughtsTokenCount":136},
             "sessionResumptionUpdate":{"newHandle":"h-9","resumable":true,"lastConsumedClientMessageIndex":"12"},
             "goAway":{"timeLeft":"9.5s"}}
            """);

        Assert.Collection(
            message.Events,
            e => Assert.Equal(new GeminiTranscription(GeminiTranscriptionSource.Input, " hello", true), e),
            e => Assert.Equal(new GeminiTranscription(GeminiTranscriptionSource.Output, "hi there", false), e),
            e => Assert.IsType<GeminiGenerationComplete>(e),
            e => Assert.IsType<GeminiInterrupted>(e),
            e => Assert.Equal(new GeminiTurnComplete("NEED_MORE_INPUT"), e),
            e =>
            {
                var usage = Assert.IsType<GeminiUsage>(e);
                Assert.Equal((522, 42, 564, 136), (usage.PromptTokens, usage.ResponseTokens, usage.TotalTokens, usage.ThoughtsTokens));
                Assert.Equal([new GeminiModalityTokens("TEXT", 332), new GeminiModalityTokens("AUDIO", 165)], usage.PromptDetails);
                Assert.Equal([new GeminiModalityTokens("AUDIO", 42)], usage.ResponseDetails);
            },
            e => Assert.Equal(new GeminiResumptionUpdate("h-9", true, 12), e),
            e => Assert.Equal(new GeminiGoAway(TimeSpan.FromSeconds(9.5)), e));
    }

    [Fact]
    public void Vertex_usage_names_and_int64_strings_parse()
    {
        using var message = Parse("""{"usageMetadata":{"promptTokenCount":"7","candidatesTokenCount":"5","candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":"5"}]}}""");

        var usage = Assert.IsType<GeminiUsage>(Assert.Single(message.Events));
        Assert.Equal(7, usage.PromptTokens);
        Assert.Equal(5, usage.ResponseTokens);
        Assert.Equal([new GeminiModalityTokens("AUDIO", 5)], usage.ResponseDetails);
    }

    [Fact]
    public void Non_resumable_update_is_not_usable()
    {
        using var message = Parse("""{"sessionResumptionUpdate":{"resumable":false}}""");
        var update = Assert.IsType<GeminiResumptionUpdate>(Assert.Single(message.Events));
        Assert.False(update.IsUsable);
        Assert.True(new GeminiResumptionUpdate("h", true, null).IsUsable);
        Assert.False(new GeminiResumptionUpdate("", true, null).IsUsable);
    }

    [Fact]
    public void Tool_calls_and_cancellations_are_surfaced()
    {
        using var message = Parse("""
            {"toolCall":{"functionCalls":[{"id":"c1","name":"lookup","args":{"q":"weather","n":2}}]},
             "toolCallCancellation":{"ids":["c0"]}}
            """);

        var call = Assert.Single(Assert.IsType<GeminiToolCall>(message.Events[0]).FunctionCalls);
        Assert.Equal(("c1", "lookup"), (call.Id, call.Name));
        Assert.Equal("weather", call.Arguments!.Value.GetProperty("q").GetString());
        Assert.Equal(["c0"], Assert.IsType<GeminiToolCallCancellation>(message.Events[1]).Ids);
    }

    [Fact]
    public void Unknown_fields_and_kinds_are_ignored()
    {
        using var unknownKind = Parse("""{"voiceActivity":{"voiceActivityType":"ACTIVITY_START","audioOffset":"1.2s"}}""");
        Assert.True(unknownKind.IsEmpty);
        Assert.Equal(1, unknownKind.UnknownFields);

        using var mixed = Parse("""
            {"interactionStatus":"IDLE","serverContent":{"waitingForInput":true,"groundingMetadata":{"x":[1,{"y":null}]},
             "turnComplete":true,"newThing":{"deep":[[[]]]}},"future":[1,2]}
            """);
        Assert.Equal(GeminiTurnComplete.Plain, Assert.Single(mixed.Events));
        Assert.Equal(2, mixed.UnknownFields);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{not json}")]
    [InlineData("[1,2,3]")]
    [InlineData("\"setupComplete\"")]
    [InlineData("{\"serverContent\":{\"turnComplete\":\"yes\"}}")]
    [InlineData("{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"data\":\"!!notbase64!!\"}}]}}}")]
    [InlineData("{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"data\":42}}]}}}")]
    [InlineData("{\"goAway\":{\"timeLeft\":\"soon\"}}")]
    [InlineData("{\"sessionResumptionUpdate\":{\"lastConsumedClientMessageIndex\":\"12x\"}}")]
    [InlineData("{\"serverContent\":{\"turnComplete\":true}} trailing")]
    [InlineData("{\"toolCall\":{\"functionCalls\":[{\"id\":\"c\"}]}}")]
    [InlineData("{\"serverContent\":[]}")]
    public void Malformed_messages_are_rejected_and_leave_nothing_behind(string json)
    {
        using var message = new GeminiServerMessage();
        Assert.False(GeminiServerMessageParser.TryParse(Encoding.UTF8.GetBytes(json), message));
        Assert.True(message.IsEmpty);
    }

    [Fact]
    public void A_reused_message_is_reset_between_parses()
    {
        using var message = new GeminiServerMessage();
        Assert.True(GeminiServerMessageParser.TryParse("""{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AQID"}}]},"interrupted":true}}"""u8, message));
        Assert.Equal(3, message.Audio.Length);

        Assert.True(GeminiServerMessageParser.TryParse("""{"serverContent":{"turnComplete":true}}"""u8, message));
        Assert.True(message.Audio.IsEmpty);
        Assert.Equal(GeminiTurnComplete.Plain, Assert.Single(message.Events));
    }

    [Theory]
    [InlineData("9.5s", 9500)]
    [InlineData("50s", 50000)]
    [InlineData("0.001s", 1)]
    public void Durations_parse(string text, int milliseconds)
    {
        Assert.True(ProtoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
        Assert.True(ProtoDuration.TryParse(ProtoDuration.Format(value), out var roundTrip));
        Assert.Equal(value, roundTrip);
    }

    [Theory]
    [InlineData("9.5")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("abcs")]
    public void Bad_durations_are_refused(string text) => Assert.False(ProtoDuration.TryParse(text, out _));
}
