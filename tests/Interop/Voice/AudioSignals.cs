namespace Chorus.Interop.Voice;

/// <summary>Synthetic test audio and the normalised cross-correlation used to compare what was sent with what was heard.</summary>
internal static class AudioSignals
{
    /// <summary>A linear chirp from <paramref name="f0"/> to <paramref name="f1"/> Hz, the same analytic signal at any rate.</summary>
    public static short[] Chirp(int sampleRate, double seconds, double f0 = 300, double f1 = 3000, double amplitude = 0.5)
    {
        int n = (int)(sampleRate * seconds);
        var samples = new short[n];
        double k = (f1 - f0) / seconds;
        for (int i = 0; i < n; i++)
        {
            double t = (double)i / sampleRate;
            double fade = Math.Min(1, Math.Min(t, seconds - t) / 0.02);
            samples[i] = (short)(amplitude * fade * short.MaxValue * Math.Sin(2 * Math.PI * (f0 * t + k * t * t / 2)));
        }
        return samples;
    }

    /// <summary>
    /// The best normalised cross-correlation of <paramref name="reference"/> against <paramref name="signal"/> over
    /// lags 0..maxLag (the signal may start late: codec delay, silence before the first frame).
    /// </summary>
    public static (double Correlation, int Lag) BestCorrelation(ReadOnlySpan<short> reference, ReadOnlySpan<short> signal, int maxLag)
    {
        double best = double.MinValue;
        int bestLag = 0;
        double refEnergy = 0;
        foreach (var r in reference)
            refEnergy += (double)r * r;
        for (int lag = 0; lag <= maxLag && lag + reference.Length <= signal.Length; lag++)
        {
            double dot = 0, energy = 0;
            var window = signal.Slice(lag, reference.Length);
            for (int i = 0; i < reference.Length; i++)
            {
                dot += (double)reference[i] * window[i];
                energy += (double)window[i] * window[i];
            }
            if (energy <= 0 || refEnergy <= 0)
                continue;
            double c = dot / Math.Sqrt(refEnergy * energy);
            if (c > best)
            {
                best = c;
                bestLag = lag;
            }
        }
        return (best, bestLag);
    }
}
