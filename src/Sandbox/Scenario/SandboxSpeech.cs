using System.Diagnostics;
using Chorus.Emulators.Audio;

namespace Chorus.Sandbox.Scenario;

/// <summary>What the scripted user says: espeak-ng speech (via sox to 48 kHz) when both are installed, else a synthetic voice.</summary>
public static class SandboxSpeech
{
    public const int SampleRate = 48000;

    public static (short[] Pcm, string Source) Utterance(string text, string workDirectory)
    {
        var speech = TryEspeak(text, workDirectory);
        return speech is not null ? (speech, "espeak-ng") : (Synthetic(text.Length * 0.06 + 0.4), "synthetic");
    }

    /// <summary>A vowel-like buzz (120 Hz voice with formant-ish harmonics) with syllable-rate swells.</summary>
    public static short[] Synthetic(double seconds)
    {
        var n = (int)(seconds * SampleRate);
        var pcm = new short[n];
        for (var i = 0; i < n; i++)
        {
            var t = (double)i / SampleRate;
            var syllable = 0.55 + 0.45 * Math.Sin(2 * Math.PI * 4 * t);
            var fade = Math.Min(1, Math.Min(t, seconds - t) / 0.03);
            double v = 0;
            for (var h = 1; h <= 12; h++)
            {
                var f = 120 * h * (1 + 0.03 * Math.Sin(2 * Math.PI * 0.7 * t));
                var weight = h is 6 or 7 or 18 ? 1.0 : 0.35 / h;
                v += weight * Math.Sin(2 * Math.PI * f * t);
            }
            pcm[i] = (short)Math.Clamp(v * 6000 * syllable * fade, short.MinValue, short.MaxValue);
        }
        return pcm;
    }

    private static short[]? TryEspeak(string text, string workDirectory)
    {
        var raw = Path.Combine(workDirectory, "espeak.wav");
        var resampled = Path.Combine(workDirectory, "speech48k.wav");
        // -g 4: short word gaps, so a pause between words is not taken for the end of the turn.
        if (!Run("espeak-ng", "-g", "4", "-w", raw, text) || !Run("sox", raw, "-r", "48000", "-c", "1", "-b", "16", resampled))
        {
            return null;
        }

        var (samples, rate) = WavFile.ReadMono(resampled);
        return rate == SampleRate && samples.Length > 0 ? samples : null;
    }

    private static bool Run(string program, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill();
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
