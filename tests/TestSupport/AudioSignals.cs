namespace Chorus.TestSupport;

/// <summary>Synthetic test audio and the normalised cross-correlation used to compare what was sent with what was heard.</summary>
public static class AudioSignals
{
    /// <summary>A linear chirp from <paramref name="f0"/> to <paramref name="f1"/> Hz, the same analytic signal at any rate.</summary>
    public static short[] Chirp(int sampleRate, double seconds, double f0 = 300, double f1 = 3000, double amplitude = 0.5)
    {
        var n = (int)(sampleRate * seconds);
        var samples = new short[n];
        var k = (f1 - f0) / seconds;
        for (var i = 0; i < n; i++)
        {
            var t = (double)i / sampleRate;
            var fade = Math.Min(1, Math.Min(t, seconds - t) / 0.02);
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
        var best = double.MinValue;
        var bestLag = 0;
        double refEnergy = 0;
        foreach (var r in reference)
        {
            refEnergy += (double)r * r;
        }

        for (var lag = 0; lag <= maxLag && lag + reference.Length <= signal.Length; lag++)
        {
            double dot = 0, energy = 0;
            var window = signal.Slice(lag, reference.Length);
            for (var i = 0; i < reference.Length; i++)
            {
                dot += (double)reference[i] * window[i];
                energy += (double)window[i] * window[i];
            }
            if (energy <= 0 || refEnergy <= 0)
            {
                continue;
            }

            var c = dot / Math.Sqrt(refEnergy * energy);
            if (c > best)
            {
                best = c;
                bestLag = lag;
            }
        }
        return (best, bestLag);
    }

    /// <summary>
    /// The mean, over consecutive segments of <paramref name="reference"/>, of each segment's best normalised
    /// correlation anywhere in <paramref name="signal"/> (lags 0..maxLag past the segment's own position).
    /// Unlike <see cref="BestCorrelation"/> it tolerates gaps inserted between segments (network jitter,
    /// a mixer slot that left without a late speaker), while still requiring every part to be present.
    /// </summary>
    public static double SegmentedCorrelation(ReadOnlySpan<short> reference, ReadOnlySpan<short> signal, int segmentLength, int maxLag)
    {
        double total = 0;
        var segments = 0;
        for (var start = 0; start + segmentLength <= reference.Length; start += segmentLength)
        {
            var segment = reference.Slice(start, segmentLength);
            var from = Math.Min(start, signal.Length);
            var window = signal[from..Math.Min(signal.Length, start + segmentLength + maxLag)];
            var (c, _) = BestCorrelation(segment, window, maxLag);
            total += Math.Max(c, 0);
            segments++;
        }
        return segments == 0 ? 0 : total / segments;
    }
}
