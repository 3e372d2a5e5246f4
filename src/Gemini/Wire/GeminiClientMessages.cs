using System.Buffers.Text;
using System.Text.Json;
using Chorus.Gemini.Wire.Json;

namespace Chorus.Gemini.Wire;

/// <summary>Builds the UTF-8 JSON of every client message. Audio is written without allocating.</summary>
internal static class GeminiClientMessages
{
    public const string InputAudioMimeType = "audio/pcm;rate=16000";

    private static ReadOnlySpan<byte> AudioPrefix => "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\""u8;

    private static ReadOnlySpan<byte> AudioSuffix => "\"}}}"u8;

    private static readonly byte[] AudioStreamEndBytes = "{\"realtimeInput\":{\"audioStreamEnd\":true}}"u8.ToArray();

    /// <summary><c>{"realtimeInput":{"audioStreamEnd":true}}</c></summary>
    public static ReadOnlyMemory<byte> AudioStreamEnd => AudioStreamEndBytes;

    /// <summary>Upper bound of the bytes <see cref="WriteAudio"/> writes for <paramref name="pcmLength"/> bytes of PCM.</summary>
    public static int MaxAudioMessageLength(int pcmLength) =>
        AudioPrefix.Length + Base64.GetMaxEncodedToUtf8Length(pcmLength) + AudioSuffix.Length;

    /// <summary>Writes <c>realtimeInput.audio</c> for 16 kHz PCM16 mono, base64 straight into <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public static int WriteAudio(ReadOnlySpan<byte> pcm16k, Span<byte> destination)
    {
        if (destination.Length < MaxAudioMessageLength(pcm16k.Length))
        {
            throw new ArgumentException("Destination too small for the audio message.", nameof(destination));
        }

        AudioPrefix.CopyTo(destination);
        var offset = AudioPrefix.Length;
        Base64.EncodeToUtf8(pcm16k, destination[offset..], out _, out var written);
        offset += written;
        AudioSuffix.CopyTo(destination[offset..]);
        return offset + AudioSuffix.Length;
    }

    public static byte[] Setup(GeminiLiveOptions options, string model, string? resumeHandle) =>
        JsonSerializer.SerializeToUtf8Bytes(new SetupMessage(SetupBuilder.Build(options, model, resumeHandle)), GeminiJsonContext.Default.SetupMessage);

    /// <summary>A complete user turn: <c>clientContent</c> with one user text part and <c>turnComplete:true</c>.</summary>
    public static byte[] TextTurn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var message = new ClientContentMessage(new ClientContentDto([new ContentDto("user", [new PartDto(text)])], true));
        return JsonSerializer.SerializeToUtf8Bytes(message, GeminiJsonContext.Default.ClientContentMessage);
    }

    /// <summary>Replaces the persona mid-session (models whose capabilities include <c>contextUpdate</c>).</summary>
    public static byte[] ContextUpdate(string systemInstruction)
    {
        ArgumentNullException.ThrowIfNull(systemInstruction);
        var message = new ContextUpdateMessage(new ContextUpdateDto(new ContentDto(null, [new PartDto(systemInstruction)])));
        return JsonSerializer.SerializeToUtf8Bytes(message, GeminiJsonContext.Default.ContextUpdateMessage);
    }

    public static byte[] ToolResponse(string id, string name, JsonElement response)
    {
        var message = new ToolResponseMessage(new ToolResponseDto([new FunctionResponseDto(id, name, response)]));
        return JsonSerializer.SerializeToUtf8Bytes(message, GeminiJsonContext.Default.ToolResponseMessage);
    }
}
