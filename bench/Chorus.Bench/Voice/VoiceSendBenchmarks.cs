using BenchmarkDotNet.Attributes;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Send;
using Chorus.Discord.Voice.Udp;

namespace Chorus.Bench.Voice;

/// <summary>Per sent frame: 24 kHz PCM into the playout buffer, then Opus encode, RTP, transport encryption, hand-off to the socket.</summary>
[MemoryDiagnoser]
public class VoiceSendBenchmarks
{
    private sealed class DiscardingSink : IVoiceDatagramSink
    {
        public long Bytes;

        public bool Send(ReadOnlySpan<byte> datagram)
        {
            Bytes += datagram.Length;
            return true;
        }
    }

    private readonly DiscardingSink _sink = new();
    private VoiceSender _sender = null!;
    private short[] _pcm = null!;
    private int _offset;
    private long _tick;

    [Params(TransportEncryptionMode.Aes256GcmRtpSize, TransportEncryptionMode.XChaCha20Poly1305RtpSize)]
    public string Mode { get; set; } = TransportEncryptionMode.Aes256GcmRtpSize;

    [GlobalSetup]
    public void Setup()
    {
        _sender = new VoiceSender();
        _sender.SetTransport(TransportCipher.Create(Mode, VoiceBenchmarkPackets.Key), 99, _sink);
        _pcm = new short[OpusFormat.SendSampleRate * 2];
        for (var i = 0; i < _pcm.Length; i++)
        {
            _pcm[i] = (short)(6000 * Math.Sin(2 * Math.PI * 220 * i / OpusFormat.SendSampleRate));
        }
    }

    [Benchmark]
    public long EncodeEncryptSend()
    {
        _sender.Push(_pcm.AsSpan(_offset, OpusFormat.SendFrameSamples));
        _offset = (_offset + OpusFormat.SendFrameSamples) % (_pcm.Length - OpusFormat.SendFrameSamples);
        _sender.OnTick(_tick++);
        return _sink.Bytes;
    }
}
