using System.Diagnostics;

namespace Chorus.LoadHarness;

internal readonly record struct MemorySnapshot(long WorkingSet, long GcHeap)
{
    public static MemorySnapshot Take(Process process)
    {
        // A full collection first, so the heap figure is live objects rather than garbage not yet collected.
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        return new MemorySnapshot(process.WorkingSet64, heap);
    }
}
