using System.Text;
using Chorus.Gemini.Wire;

namespace Chorus.Fuzz;

/// <summary>Gemini Live server messages (JSON from text or binary frames): the parser fails by returning false, nothing else.</summary>
public sealed class GeminiFuzzTests
{
    private static readonly string Audio = Convert.ToBase64String(Enumerable.Range(0, 960).Select(i => (byte)i).ToArray());

    /// <summary>Every server message kind our client reads, as the emulator and the Live API send them.</summary>
    internal static readonly byte[][] Seeds =
    [
        .. new[]
        {
            """{"setupComplete":{"sessionId":"s-1"}}""",
            """{"setupComplete":{}}""",
            "{\"serverContent\":{\"modelTurn\":{\"role\":\"model\",\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"" + Audio + "\"}},{\"inlineData\":{\"data\":\"AQID\",\"mimeType\":\"audio/pcm;rate=24000\"}}]}}}",
            """{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"data":"AAAA","mimeType":"image/png"}},{"text":"hidden","thought":true},{"text":"visible"}]}}}""",
            """{"serverContent":{"interrupted":true}}""",
            """{"serverContent":{"turnComplete":true,"turnCompleteReason":"NEED_MORE_INPUT"}}""",
            """{"serverContent":{"generationComplete":true}}""",
            """{"serverContent":{"inputTranscription":{"text":"hello there"},"outputTranscription":{"text":"hi"}}}""",
            """{"serverContent":{"waitingForInput":true,"groundingMetadata":{"x":[1,{"y":null}]},"turnComplete":true}}""",
            """{"goAway":{"timeLeft":"10s"}}""",
            """{"goAway":{"timeLeft":"1.500s"}}""",
            """{"sessionResumptionUpdate":{"newHandle":"handle-1","resumable":true,"lastConsumedClientMessageIndex":"42"}}""",
            """{"sessionResumptionUpdate":{"resumable":false}}""",
            """{"usageMetadata":{"promptTokenCount":7,"responseTokenCount":5,"totalTokenCount":12,"promptTokensDetails":[{"modality":"AUDIO","tokenCount":7}],"responseTokensDetails":[{"modality":"AUDIO","tokenCount":5}]}}""",
            """{"usageMetadata":{"promptTokenCount":"7","candidatesTokenCount":"5","candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":"5"}]}}""",
            """{"toolCall":{"functionCalls":[{"id":"c1","name":"lookup","args":{"q":"weather","n":2}}]},"toolCallCancellation":{"ids":["c0"]}}""",
            """{"voiceActivity":{"voiceActivityType":"ACTIVITY_START","audioOffset":"1.2s"}}""",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    [Fact]
    public void Server_messages()
    {
        using var message = new GeminiServerMessage();
        new Fuzzer
        {
            Target = "gemini-server-json",
            Seeds = Seeds,
            Mutate = JsonMutator.Mutate,
            Parse = input => GeminiServerMessageParser.TryParse(input, message) ? FuzzOutcome.Accepted : FuzzOutcome.Rejected,
            // The audio buffer grows to the largest message once and is reused; base64 decodes to 3/4 of its text.
            AllocationBound = length => 64 * 1024 + 4L * length,
        }.Run(shortRun: 20_000);
    }
}
