using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Chorus.Discord;
using Chorus.Discord.Gateway;

namespace Chorus.Bench.Discord;

/// <summary>Main-gateway receive path: envelope read in place, then the typed event from the d span.</summary>
[MemoryDiagnoser]
public class GatewayFrameBenchmarks
{
    private byte[] _voiceState = [];
    private byte[] _heartbeatAck = [];

    [GlobalSetup]
    public void Setup()
    {
        _voiceState = Encoding.UTF8.GetBytes(
            "{\"t\":\"VOICE_STATE_UPDATE\",\"s\":1234,\"op\":0,\"d\":{\"member\":{\"user\":{\"username\":\"alice\",\"id\":\"80351110224678912\",\"discriminator\":\"0\",\"bot\":false,\"avatar\":null},"
            + "\"roles\":[\"41771983423143936\"],\"joined_at\":\"2026-01-01T00:00:00.000000+00:00\",\"deaf\":false,\"mute\":false},\"user_id\":\"80351110224678912\","
            + "\"suppress\":false,\"session_id\":\"90326bd25d71d39b9ef95b299e3872ff\",\"self_video\":false,\"self_mute\":false,\"self_deaf\":false,"
            + "\"request_to_speak_timestamp\":null,\"mute\":false,\"guild_id\":\"41771983423143937\",\"deaf\":false,\"channel_id\":\"157733188964188161\"}}");
        _heartbeatAck = Encoding.UTF8.GetBytes("{\"t\":null,\"s\":null,\"op\":11,\"d\":null}");
    }

    [Benchmark]
    public int ReadEnvelopeHeartbeatAck()
    {
        GatewayFrame.TryParse(_heartbeatAck, out var frame, out _);
        return frame.Opcode;
    }

    [Benchmark]
    public int ReadEnvelopeVoiceState()
    {
        GatewayFrame.TryParse(_voiceState, out var frame, out _);
        return frame.Data.Length;
    }

    [Benchmark]
    public ulong ReadVoiceStateEvent()
    {
        GatewayFrame.TryParse(_voiceState, out var frame, out _);
        return JsonSerializer.Deserialize(frame.Data, DiscordJsonContext.Default.DiscordVoiceState)!.UserId;
    }
}
