using System.Collections.Concurrent;
using Chorus.Discord.Models;

namespace Chorus.Discord.Gateway;

/// <summary>In-memory guild state fed by the gateway: shared by all shards of a process.</summary>
public sealed class GuildStateCache
{
    private readonly ConcurrentDictionary<ulong, CachedGuild> _guilds = new();

    /// <summary>The number of guilds cached.</summary>
    public int Count => _guilds.Count;

    /// <summary>The cached guild, or null when unknown.</summary>
    public CachedGuild? Get(ulong guildId) => _guilds.GetValueOrDefault(guildId);

    internal IReadOnlyCollection<ulong> GuildIds => [.. _guilds.Keys];

    internal void OnGuildCreate(DiscordGuild guild)
    {
        if (guild.Unavailable == true)
        {
            return;
        }

        var cached = _guilds.GetOrAdd(guild.Id, id => new CachedGuild(id));
        cached.Replace(guild);
    }

    internal void OnGuildDelete(ulong guildId) => _guilds.TryRemove(guildId, out _);

    internal void OnVoiceState(DiscordVoiceState state)
    {
        if (state.GuildId is ulong guildId && _guilds.TryGetValue(guildId, out var guild))
        {
            guild.ApplyVoiceState(state);
        }
    }

    internal void OnChannel(DiscordChannel channel, bool deleted)
    {
        if (channel.GuildId is ulong guildId && _guilds.TryGetValue(guildId, out var guild))
        {
            if (deleted)
            {
                guild.RemoveChannel(channel.Id);
            }
            else
            {
                guild.SetChannel(channel);
            }
        }
    }

    internal void OnRole(ulong guildId, DiscordRole? role, ulong? deletedRoleId)
    {
        if (_guilds.TryGetValue(guildId, out var guild))
        {
            if (role is not null)
            {
                guild.SetRole(role);
            }
            else if (deletedRoleId is ulong id)
            {
                guild.RemoveRole(id);
            }
        }
    }
}
