using Chorus.Grains.Settings;

namespace Chorus.Gateway.Sessions;

/// <summary>Something the cluster told this gateway process about a session it runs.</summary>
internal abstract record SessionControlMessage(long GuildId)
{
    /// <summary>A short name for logs (no payload: a persona or reason text stays out of them).</summary>
    public abstract string Kind { get; }

    public sealed record Leave(long GuildId, string Reason) : SessionControlMessage(GuildId)
    {
        public override string Kind => nameof(Leave);
    }

    public sealed record Settings(long GuildId, GuildSettings Value) : SessionControlMessage(GuildId)
    {
        public override string Kind => nameof(Settings);
    }

    public sealed record LeaseLost(long GuildId, string? Reason) : SessionControlMessage(GuildId)
    {
        public override string Kind => nameof(LeaseLost);
    }
}
