namespace Chorus.Gateway.Bridge;

public static class AudioLevel
{
    /// <summary>RMS level of PCM16 in dB relative to full scale (-120 for digital silence).</summary>
    public static double RmsDbfs(ReadOnlySpan<short> pcm)
    {
        if (pcm.IsEmpty)
        {
            return -120;
        }

        double sum = 0;
        foreach (var s in pcm)
        {
            sum += (double)s * s;
        }

        var rms = Math.Sqrt(sum / pcm.Length);
        return rms < 1 ? -120 : 20 * Math.Log10(rms / 32768.0);
    }
}
