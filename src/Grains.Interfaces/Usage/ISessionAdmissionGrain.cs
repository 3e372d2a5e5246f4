using Orleans.Concurrency;

namespace Chorus.Grains.Usage;

/// <summary>
/// Admission control: the cluster-wide cap on concurrent Gemini sessions (one activation, key 0). A slot is held by a
/// guild's session grain for as long as the session's lease, renewed with it, and given back when the session ends;
/// a slot whose session stopped renewing (its gateway crashed) lapses when the lease would have.
/// </summary>
[Alias("chorus.ISessionAdmissionGrain")]
public interface ISessionAdmissionGrain : IGrainWithIntegerKey
{
    /// <summary>The one key the cluster uses.</summary>
    const long ClusterKey = 0;

    /// <summary>Gives <paramref name="guildId"/> a slot until <paramref name="until"/> if one is free (a guild that holds one keeps it).</summary>
    [Alias("TryAdmit")]
    Task<Admission> TryAdmitAsync(long guildId, DateTimeOffset until);

    /// <summary>Keeps (or takes back) the slot of a session already admitted, even beyond the cap: a running conversation is never cut for it.</summary>
    [Alias("Renew")]
    Task RenewAsync(long guildId, DateTimeOffset until);

    [Alias("Release")]
    Task ReleaseAsync(long guildId);

    [ReadOnly, Alias("Get")]
    Task<Admission> GetAsync();
}

/// <summary>The answer of admission control.</summary>
/// <param name="Admitted">Whether the caller holds a slot.</param>
/// <param name="Active">Slots held (live) after the call.</param>
/// <param name="Cap">The cap, or null when there is none.</param>
[GenerateSerializer, Immutable, Alias("chorus.Admission")]
public sealed record Admission([property: Id(0)] bool Admitted, [property: Id(1)] int Active, [property: Id(2)] int? Cap);
