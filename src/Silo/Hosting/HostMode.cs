namespace Chorus.Silo.Hosting;

public enum HostMode
{
    /// <summary>Silo and gateway in one process: the default, for one machine.</summary>
    AllInOne,

    /// <summary>Only the silo: gateways run as separate processes (scale-out).</summary>
    Silo,
}
