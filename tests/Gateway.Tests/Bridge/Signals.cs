namespace Chorus.Gateway.Tests.Bridge;

internal static class Signals
{
    public static short[] Tone(double frequency, double dbfs, int samples = 320, int sampleRate = 16000, int offset = 0)
    {
        var amplitude = 32768 * Math.Pow(10, dbfs / 20) * Math.Sqrt(2);
        var frame = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            frame[i] = (short)Math.Clamp(Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * (i + offset) / sampleRate)), short.MinValue, short.MaxValue);
        }

        return frame;
    }

    public static short[] Noise(double dbfs, Random random, int samples = 320)
    {
        // Uniform noise has RMS = amplitude / sqrt(3).
        var amplitude = 32768 * Math.Pow(10, dbfs / 20) * Math.Sqrt(3);
        var frame = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            frame[i] = (short)Math.Clamp(Math.Round((random.NextDouble() * 2 - 1) * amplitude), short.MinValue, short.MaxValue);
        }

        return frame;
    }

    public static short[] Constant(short value, int samples = 320) => Enumerable.Repeat(value, samples).ToArray();
}
