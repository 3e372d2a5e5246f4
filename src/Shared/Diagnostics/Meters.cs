using System.Diagnostics.Metrics;

namespace Chorus.Diagnostics;

/// <summary>
/// Where each library's instruments get their meter. Compiled into each assembly that defines instruments (linked from
/// src/Shared), so that the protocol libraries need no other assembly for it.
/// </summary>
internal static class Meters
{
    /// <summary>
    /// The meter <paramref name="name"/> from the host's factory, or one of the caller's own when there is no factory (a
    /// test or a tool reading one component's counts through its own meter).
    /// </summary>
    public static Meter Create(IMeterFactory? meterFactory, string name) => meterFactory?.Create(name) ?? new Meter(name);
}
