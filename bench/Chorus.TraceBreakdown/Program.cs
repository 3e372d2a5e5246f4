using System.Globalization;

namespace Chorus.TraceBreakdown;

/// <summary>
/// Turns a dotnet-trace CPU sample trace (EventPipe, <c>--profile dotnet-sampled-thread-time</c>) of the load harness
/// into a cost breakdown by category: share of the running samples, and, given the harness's measured CPU per
/// conversation, microseconds per 20 ms frame per conversation.
/// </summary>
public static class Program
{
    private const string Usage =
        """
        Chorus trace breakdown: CPU samples of a .nettrace by category.
          chorus-trace-breakdown TRACE.nettrace [--cpu-per-conversation P] [--leaves K] [--thread-prefix NAME]
            --cpu-per-conversation P  the harness's bot CPU per conversation (% of a core) over the traced window:
                                      adds microseconds per 20 ms frame per conversation to each category
            --leaves K                also print the K most sampled innermost frames (running and waiting)
          chorus-trace-breakdown TRACE.nettrace --allocations [FRAMES]
            allocations by type and stack, from a trace with allocation ticks
            (dotnet-trace collect --providers Microsoft-Windows-DotNETRuntime:0x1:5)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args.Contains("--help"))
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var path = args[0];
        if (args.Length > 1 && args[1] == "--allocations")
        {
            Console.WriteLine(Allocations.Render(path, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8));
            return 0;
        }
        double? cpuPerConversation = null;
        var leaves = 0;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cpu-per-conversation":
                    cpuPerConversation = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--leaves":
                    leaves = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"Unknown option {args[i]}.");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        var samples = SampleReader.Read(path);
        Console.WriteLine(Report.Render(samples, cpuPerConversation, leaves));
        return 0;
    }
}
