using System.Runtime.InteropServices;

namespace Chorus.Discord.Voice.Send;

/// <summary>
/// Raises the calling pacing thread's scheduling weight. .NET's <see cref="Thread.Priority"/> does nothing on Linux
/// (the default scheduler ignores static priorities), but the per-thread nice value counts: with many conversations on
/// few cores, a pacing thread that waits behind receive and socket work sends late. Needs CAP_SYS_NICE (root in a
/// container); without it nothing changes and the clock still works.
/// </summary>
internal static partial class PacingThreadPriority
{
    /// <summary>Nice value asked for: well above ordinary work, far from real-time.</summary>
    public const int Nice = -10;

    private const int PrioProcess = 0;

    /// <summary>True when the calling thread now runs at <see cref="Nice"/>.</summary>
    public static bool TryRaiseCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // On Linux the nice value is per thread: PRIO_PROCESS with who = 0 means the calling thread.
            return SetPriority(PrioProcess, 0, Nice) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The calling thread's nice value (null off Linux or when it cannot be read).</summary>
    public static int? CurrentThreadNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        // getpriority may legitimately return -1, so errno tells a failure apart.
        Marshal.SetLastPInvokeError(0);
        var value = GetPriority(PrioProcess, 0);
        return value == -1 && Marshal.GetLastPInvokeError() != 0 ? null : value;
    }

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, uint who);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, uint who, int priority);
}
