using BenchmarkDotNet.Attributes;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Rtp;

namespace Chorus.Bench.Voice;

/// <summary>Per received packet: transport decryption alone, and the whole path to 16 kHz PCM (decrypt, jitter, decode).</summary>
[MemoryDiagnoser]
public class VoiceReceiveBenchmarks
{
    private TransportCipher _cipher = null!;
    private VoiceReceiver _receiver = null!;
    private byte[][] _packets = null!;
    private readonly byte[] _scratch = new byte[2048];
    private int _next;
    private long _samples;

    [Params(TransportEncryptionMode.Aes256GcmRtpSize, TransportEncryptionMode.XChaCha20Poly1305RtpSize)]
    public string Mode { get; set; } = TransportEncryptionMode.Aes256GcmRtpSize;

    [GlobalSetup]
    public void Setup()
    {
        _cipher = TransportCipher.Create(Mode, VoiceBenchmarkPackets.Key);
        _packets = VoiceBenchmarkPackets.SealedStream(_cipher, 77, VoiceBenchmarkPackets.OpusFrames(50));
        _receiver = new VoiceReceiver(frameHandler: frame => _samples += frame.Samples.Length);
        _receiver.SetTransport(_cipher, 1);
        _receiver.MapSsrc(77, 1234);
    }

    [Benchmark]
    public int Decrypt()
    {
        var packet = _packets[_next++ & 0xFFFF];
        RtpHeader.TryParse(packet, out var header);
        RtpSizeTransport.Open(_cipher, header, packet, _scratch, out _, out var length);
        return length;
    }

    [Benchmark]
    public long DecryptAndDecode()
    {
        _receiver.ProcessDatagram(_packets[_next++ & 0xFFFF]);
        return _samples;
    }
}
