using Chorus.Discord.Dave;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Discord.Tests.Dave;

public sealed class DaveFrameTests
{
    private static readonly byte[] Base = Convert.FromHexString("cedd61b1b8a1ca69046554282cf70b7b");

    private static (DaveEncryptor Encryptor, DaveDecryptor Decryptor, FakeTimeProvider Time) Pair()
    {
        var time = new FakeTimeProvider();
        var encryptor = new DaveEncryptor();
        encryptor.SetRatchet(new DaveKeyRatchet(Base));
        var decryptor = new DaveDecryptor(time);
        decryptor.TransitionToRatchet(new DaveKeyRatchet(Base));
        return (encryptor, decryptor, time);
    }

    private static byte[] Encrypt(DaveEncryptor encryptor, byte[] opus)
    {
        var output = new byte[DaveEncryptor.MaxOutputSize(opus.Length)];
        return output[..encryptor.Encrypt(opus, output)];
    }

    private static (DaveDecryptResult Result, byte[] Output) Decrypt(DaveDecryptor decryptor, byte[] frame)
    {
        var output = new byte[frame.Length];
        var result = decryptor.Decrypt(frame, output, out var written);
        return (result, output[..written]);
    }

    private static void Expect(DaveDecryptResult result, byte[] plaintext, (DaveDecryptResult Result, byte[] Output) actual)
    {
        Assert.Equal(result, actual.Result);
        Assert.Equal(plaintext, actual.Output);
    }

    [Fact]
    public void FrameLayoutMatchesTheObservedFormat()
    {
        var (encryptor, decryptor, _) = Pair();
        var opus = Enumerable.Range(1, 11).Select(i => (byte)i).ToArray();
        var first = Encrypt(encryptor, opus);
        var second = Encrypt(encryptor, opus);
        Assert.Equal(23, first.Length);
        Assert.Equal([0x01, 0x0C, 0xFA, 0xFA], first[^4..]);
        Assert.Equal([0x02, 0x0C, 0xFA, 0xFA], second[^4..]);
        Assert.NotEqual(first[..11], second[..11]);
        Expect(DaveDecryptResult.Decrypted, opus, Decrypt(decryptor, first));
        Assert.Equal(opus, Decrypt(decryptor, second).Output);
        Assert.Equal(2, decryptor.Decrypted);
    }

    [Fact]
    public void SilenceIsNeverEncryptedAndAlwaysAccepted()
    {
        var (encryptor, decryptor, _) = Pair();
        byte[] silence = [0xF8, 0xFF, 0xFE];
        Assert.Equal(silence, Encrypt(encryptor, silence));
        Expect(DaveDecryptResult.Silence, silence, Decrypt(decryptor, silence));
        using var noKeys = new DaveDecryptor(new FakeTimeProvider());
        Assert.Equal(DaveDecryptResult.Silence, Decrypt(noKeys, silence).Result);
    }

    [Fact]
    public void ReplayIsRejectedButReorderingIsAccepted()
    {
        var (encryptor, decryptor, _) = Pair();
        var frames = Enumerable.Range(0, 5).Select(i => Encrypt(encryptor, [(byte)i, 1, 2, 3])).ToArray();
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, frames[0]).Result);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, frames[3]).Result);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, frames[1]).Result);
        Assert.Equal(DaveDecryptResult.Replayed, Decrypt(decryptor, frames[1]).Result);
        Assert.Equal(DaveDecryptResult.Replayed, Decrypt(decryptor, frames[3]).Result);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, frames[2]).Result);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, frames[4]).Result);
        Assert.Equal(2, decryptor.Replayed);
    }

    [Fact]
    public void MalformedFramesAreCountedAndPassthroughIsTimeLimited()
    {
        var (encryptor, decryptor, time) = Pair();
        var good = Encrypt(encryptor, [9, 9, 9, 9, 9]);
        var badMarker = good.ToArray();
        badMarker[^1] = 0xFB;
        var smallSize = good.ToArray();
        smallSize[^3] = 10;
        var hugeSize = good.ToArray();
        hugeSize[^3] = 200;
        var badNonce = good.ToArray();
        badNonce[^4] = 0x80; // continuation bit with no following byte inside the trailer
        var badTag = good.ToArray();
        badTag[6] ^= 1;
        foreach (var frame in new[] { badMarker, smallSize, hugeSize, badNonce, good[..5], Array.Empty<byte>(), new byte[] { 0xFA, 0xFA } })
        {
            Assert.Equal(DaveDecryptResult.InvalidFrame, Decrypt(decryptor, frame).Result);
        }

        Assert.Equal(DaveDecryptResult.AuthenticationFailed, Decrypt(decryptor, badTag).Result);
        Assert.Equal(7, decryptor.InvalidFrames);
        Assert.Equal(1, decryptor.AuthenticationFailures);

        decryptor.SetPassthroughMode(false, TimeSpan.FromSeconds(10));
        byte[] plain = [1, 2, 3, 4];
        Expect(DaveDecryptResult.PassedThrough, plain, Decrypt(decryptor, plain));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(DaveDecryptResult.InvalidFrame, Decrypt(decryptor, plain).Result);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, good).Result);
    }

    [Fact]
    public void PreviousEpochRatchetExpiresTenSecondsAfterTransition()
    {
        var time = new FakeTimeProvider();
        var oldKey = new byte[16];
        var newKey = Enumerable.Repeat((byte)7, 16).ToArray();
        using var oldSender = new DaveEncryptor();
        oldSender.SetRatchet(new DaveKeyRatchet(oldKey));
        using var newSender = new DaveEncryptor();
        newSender.SetRatchet(new DaveKeyRatchet(newKey));
        using var decryptor = new DaveDecryptor(time);
        decryptor.TransitionToRatchet(new DaveKeyRatchet(oldKey));
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, Encrypt(oldSender, [1, 2, 3])).Result);
        // Same nonce as the frame already accepted: rejected as a replay before any key is tried.
        Assert.Equal(DaveDecryptResult.Replayed, Decrypt(decryptor, Encrypt(newSender, [1, 2, 3])).Result);
        Assert.Equal(DaveDecryptResult.AuthenticationFailed, Decrypt(decryptor, Encrypt(newSender, [1, 2, 3])).Result);

        decryptor.TransitionToRatchet(new DaveKeyRatchet(newKey));
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, Encrypt(newSender, [4, 5, 6])).Result);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, Encrypt(oldSender, [4, 5, 6])).Result);
        time.Advance(TimeSpan.FromSeconds(10.5));
        Assert.NotEqual(DaveDecryptResult.Decrypted, Decrypt(decryptor, Encrypt(oldSender, [7, 8, 9])).Result);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, Encrypt(newSender, [7, 8, 9])).Result);
    }

    [Fact]
    public void LaterGenerationsNeedRatchetAgeAndStayWithinTheGap()
    {
        var (encryptor, decryptor, time) = Pair();
        encryptor.SkipToNonce((1u << 24) - 1);
        var generation1 = Encrypt(encryptor, [1, 1, 1]);
        Assert.Equal(DaveDecryptResult.NoKey, Decrypt(decryptor, generation1).Result);
        // 170 frames/s: generation 1 (2^24 frames) is plausible only after ~27.4 hours of ratchet age.
        time.Advance(TimeSpan.FromSeconds((1 << 24) / 170 + 1));
        Expect(DaveDecryptResult.Decrypted, new byte[] { 1, 1, 1 }, Decrypt(decryptor, generation1));

        encryptor.SkipToNonce(252u << 24);
        Assert.Equal(DaveDecryptResult.NoKey, Decrypt(decryptor, Encrypt(encryptor, [2])).Result);
    }

    [Fact]
    public void CounterWrapKeepsRatchetingForward()
    {
        var (encryptor, decryptor, time) = Pair();
        time.Advance(TimeSpan.FromDays(365 * 30));
        // The decryptor accepts at most 250 generations beyond the newest it has seen, so approach the wrap in steps.
        encryptor.SkipToNonce(200u << 24);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, Encrypt(encryptor, [3])).Result);
        encryptor.SkipToNonce(0xFFFFFFFE);
        var beforeWrap = Encrypt(encryptor, [1]);
        var afterWrap = Encrypt(encryptor, [2]);
        Assert.Equal((byte)16, beforeWrap[^3]);
        Assert.Equal((byte)12, afterWrap[^3]);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, beforeWrap).Result);
        Assert.Equal(DaveDecryptResult.Decrypted, Decrypt(decryptor, afterWrap).Result);
        Assert.Equal([2], Decrypt(decryptor, Encrypt(encryptor, [2])).Output);
    }

    [Fact]
    public void SteadyStateEncryptAndDecryptAllocateNothing()
    {
        var (encryptor, decryptor, _) = Pair();
        var opus = new byte[120];
        var frame = new byte[DaveEncryptor.MaxOutputSize(opus.Length)];
        var plain = new byte[frame.Length];
        for (var i = 0; i < 50; i++)
        {
            var n = encryptor.Encrypt(opus, frame);
            decryptor.Decrypt(frame.AsSpan(0, n), plain, out _);
        }

        var decrypted = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var n = encryptor.Encrypt(opus, frame);
            if (decryptor.Decrypt(frame.AsSpan(0, n), plain, out _) == DaveDecryptResult.Decrypted)
            {
                decrypted++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1000, decrypted);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void RandomGarbageNeverThrows()
    {
        var (_, decryptor, _) = Pair();
        var random = new Random(5);
        var output = new byte[400];
        for (var i = 0; i < 2000; i++)
        {
            var frame = new byte[random.Next(0, 300)];
            random.NextBytes(frame);
            if (frame.Length > 3 && i % 2 == 0)
            {
                frame[^1] = 0xFA;
                frame[^2] = 0xFA;
                frame[^3] = (byte)random.Next(0, 40);
            }

            var result = decryptor.Decrypt(frame, output, out _);
            Assert.NotEqual(DaveDecryptResult.Decrypted, result);
        }
    }
}
