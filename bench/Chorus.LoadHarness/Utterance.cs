using System.Diagnostics;
using Chorus.Emulators.Audio;

namespace Chorus.LoadHarness;

/// <summary>What every scripted user says: espeak-ng speech when it is on PATH, else a chirp; 48 kHz mono.</summary>
internal static class Utterance
{
    public const int SampleRate = 48000;
    private const string Sentence = "Hello Chorus, this is a load test of the streaming bridge.";

    public static (short[] Pcm, string Source) Create(double seconds, bool forceChirp)
    {
        if (!forceChirp && TrySpeak(seconds) is { } speech)
        {
            return (speech, "espeak-ng");
        }

        return (Chirp(seconds), "chirp 300-3000 Hz");
    }

    private static short[]? TrySpeak(double seconds)
    {
        var path = Path.Combine(Path.GetTempPath(), $"chorus-load-{Environment.ProcessId}.wav");
        try
        {
            using var espeak = Process.Start(new ProcessStartInfo("espeak-ng", ["-w", path, Sentence])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (espeak is null)
            {
                return null;
            }

            if (!espeak.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                espeak.Kill();
                return null;
            }
            if (espeak.ExitCode != 0 || !File.Exists(path))
            {
                return null;
            }

            var (samples, rate) = WavFile.ReadMono(path);
            var pcm = Resample(samples, rate, SampleRate);
            return Fit(SqueezePauses(Normalize(pcm)), (int)(seconds * SampleRate));
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidDataException)
        {
            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static short[] Chirp(double seconds)
    {
        var count = (int)(seconds * SampleRate);
        var pcm = new short[count];
        double phase = 0;
        for (var i = 0; i < count; i++)
        {
            var t = (double)i / count;
            var frequency = 300 + (3000 - 300) * t;
            phase += 2 * Math.PI * frequency / SampleRate;
            pcm[i] = (short)(Math.Sin(phase) * 0.4 * short.MaxValue);
        }
        return pcm;
    }

    /// <summary>Linear interpolation: enough for a test signal, and it runs once.</summary>
    private static short[] Resample(short[] input, int fromRate, int toRate)
    {
        if (fromRate == toRate || input.Length == 0)
        {
            return input;
        }

        var output = new short[(int)((long)input.Length * toRate / fromRate)];
        for (var i = 0; i < output.Length; i++)
        {
            var position = (double)i * fromRate / toRate;
            var index = (int)position;
            var next = Math.Min(index + 1, input.Length - 1);
            var fraction = position - index;
            output[i] = (short)(input[index] * (1 - fraction) + input[next] * fraction);
        }
        return output;
    }

    private static short[] Normalize(short[] pcm)
    {
        var peak = 1;
        foreach (var s in pcm)
        {
            peak = Math.Max(peak, Math.Abs((int)s));
        }

        var gain = 0.6 * short.MaxValue / peak;
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)Math.Clamp(pcm[i] * gain, short.MinValue, short.MaxValue);
        }

        return pcm;
    }

    /// <summary>
    /// Shortens every pause inside the speech to <see cref="MaxPause"/>: a real user's utterance is one turn,
    /// while espeak-ng's word gaps are long enough for the voice activity detectors to end the turn mid-sentence.
    /// </summary>
    private static short[] SqueezePauses(short[] pcm)
    {
        const int window = SampleRate / 100;
        const int quietRms = 600;
        var kept = new List<short>(pcm.Length);
        var quietWindows = 0;
        for (var start = 0; start + window <= pcm.Length; start += window)
        {
            var chunk = pcm.AsSpan(start, window);
            double energy = 0;
            foreach (var s in chunk)
            {
                energy += (double)s * s;
            }

            var quiet = Math.Sqrt(energy / window) < quietRms;
            quietWindows = quiet ? quietWindows + 1 : 0;
            if (quiet && (quietWindows > MaxPause.TotalMilliseconds / 10 || kept.Count == 0))
            {
                continue;
            }

            kept.AddRange(chunk);
        }
        return [.. kept];
    }

    private static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(40);

    /// <summary>Speech repeated or cut to the utterance length, so every turn is the same size.</summary>
    private static short[] Fit(short[] pcm, int count)
    {
        if (pcm.Length == 0)
        {
            return pcm;
        }

        var output = new short[count];
        for (var i = 0; i < count; i++)
        {
            output[i] = pcm[i % pcm.Length];
        }

        return output;
    }
}
