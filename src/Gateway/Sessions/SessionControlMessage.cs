using Chorus.Grains.Settings;

namespace Chorus.Gateway.Sessions;

internal abstract record SessionControlMessage(long GuildId)
{
    public sealed record Leave(long GuildId, string Reason) : SessionControlMessage(GuildId);

    public sealed record Settings(long GuildId, GuildSettings Value) : SessionControlMessage(GuildId);

    public sealed record LeaseLost(long GuildId, string? Reason) : SessionControlMessage(GuildId);
}
