using BenchmarkDotNet.Running;

namespace Chorus.Bench;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["voice-clock", ..])
        {
            Voice.VoiceClockJitter.Run(args);
            return;
        }
        if (args is ["voice-spurts", ..])
        {
            Voice.VoiceSpurtLatency.Run(args);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
