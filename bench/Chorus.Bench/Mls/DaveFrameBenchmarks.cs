using BenchmarkDotNet.Attributes;
using Chorus.Discord.Dave;

namespace Chorus.Bench.Mls;

/// <summary>DAVE media crypto per Opus frame (AES-128-GCM with 8-byte tag); steady state must not allocate.</summary>
[MemoryDiagnoser]
public class DaveFrameBenchmarks
{
    private DaveEncryptor _encryptor = null!;
    private DaveDecryptor _decryptor = null!;
    private DaveEncryptor _source = null!;
    private int _frameLength;

    [Params(40, 120, 400)]
    public int OpusBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var secret = new byte[16];
        _encryptor = new DaveEncryptor();
        _encryptor.SetRatchet(new DaveKeyRatchet(secret));
        _source = new DaveEncryptor();
        _source.SetRatchet(new DaveKeyRatchet(secret));
        _decryptor = new DaveDecryptor();
        _decryptor.TransitionToRatchet(new DaveKeyRatchet(secret));
    }

    [Benchmark]
    public int Encrypt()
    {
        var opus = _opusBuffer ??= new byte[OpusBytes];
        var frame = _frameBuffer ??= new byte[DaveEncryptor.MaxOutputSize(OpusBytes)];
        return _encryptor.Encrypt(opus, frame);
    }

    private byte[]? _opusBuffer;
    private byte[]? _frameBuffer;
    private byte[]? _plainBuffer;

    /// <summary>Encrypts a fresh frame (new nonce, so replay protection passes) and decrypts it; subtract <see cref="Encrypt"/> for decrypt alone.</summary>
    [Benchmark]
    public DaveDecryptResult EncryptThenDecrypt()
    {
        var opus = _opusBuffer ??= new byte[OpusBytes];
        var frame = _frameBuffer ??= new byte[DaveEncryptor.MaxOutputSize(OpusBytes)];
        var plain = _plainBuffer ??= new byte[frame.Length];
        _frameLength = _source.Encrypt(opus, frame);
        return _decryptor.Decrypt(frame.AsSpan(0, _frameLength), plain, out _);
    }
}
