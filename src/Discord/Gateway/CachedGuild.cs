using Chorus.Discord.Models;

namespace Chorus.Discord.Gateway;

/// <summary>What the bot keeps of one guild: roles, channels, known members and voice states. Thread-safe.</summary>
public sealed class CachedGuild
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, DiscordRole> _roles = [];
    private readonly Dictionary<ulong, DiscordChannel> _channels = [];
    private readonly Dictionary<ulong, DiscordGuildMember> _members = [];
    private readonly Dictionary<ulong, DiscordVoiceState> _voiceStates = [];

    /// <summary>An empty cache entry for guild <paramref name="id"/>.</summary>
    public CachedGuild(ulong id)
    {
        Id = id;
    }

    /// <summary>The guild id.</summary>
    public ulong Id { get; }

    /// <summary>The user id of the guild owner (who has every permission).</summary>
    public ulong OwnerId { get; private set; }

    /// <summary>The guild name, when Discord sent it.</summary>
    public string? Name { get; private set; }

    internal void Replace(DiscordGuild guild)
    {
        lock (_lock)
        {
            OwnerId = guild.OwnerId;
            Name = guild.Name;
            _roles.Clear();
            foreach (var role in guild.Roles)
            {
                _roles[role.Id] = role;
            }

            _channels.Clear();
            foreach (var channel in guild.Channels)
            {
                _channels[channel.Id] = channel;
            }

            _members.Clear();
            foreach (var member in guild.Members)
            {
                if (member.User is { } user)
                {
                    _members[user.Id] = member;
                }
            }

            _voiceStates.Clear();
            foreach (var state in guild.VoiceStates)
            {
                ApplyVoiceStateLocked(state);
            }
        }
    }

    internal void ApplyVoiceState(DiscordVoiceState state)
    {
        lock (_lock)
        {
            ApplyVoiceStateLocked(state);
        }
    }

    private void ApplyVoiceStateLocked(DiscordVoiceState state)
    {
        if (state.Member is { User: not null } member)
        {
            _members[state.UserId] = member;
        }

        if (state.ChannelId is null)
        {
            _voiceStates.Remove(state.UserId);
        }
        else
        {
            _voiceStates[state.UserId] = state;
        }
    }

    internal void SetChannel(DiscordChannel channel)
    {
        lock (_lock)
        {
            _channels[channel.Id] = channel;
        }
    }

    internal void RemoveChannel(ulong channelId)
    {
        lock (_lock)
        {
            _channels.Remove(channelId);
        }
    }

    internal void SetRole(DiscordRole role)
    {
        lock (_lock)
        {
            _roles[role.Id] = role;
        }
    }

    internal void RemoveRole(ulong roleId)
    {
        lock (_lock)
        {
            _roles.Remove(roleId);
        }
    }

    /// <summary>The cached channel, or null when unknown.</summary>
    public DiscordChannel? GetChannel(ulong channelId)
    {
        lock (_lock)
        {
            return _channels.GetValueOrDefault(channelId);
        }
    }

    internal DiscordGuildMember? GetMember(ulong userId)
    {
        lock (_lock)
        {
            return _members.GetValueOrDefault(userId);
        }
    }

    internal IReadOnlyList<DiscordRole> GetRoles()
    {
        lock (_lock)
        {
            return [.. _roles.Values];
        }
    }

    internal IReadOnlyList<DiscordChannel> GetChannels()
    {
        lock (_lock)
        {
            return [.. _channels.Values];
        }
    }

    /// <summary>The channel a user is connected to, or null.</summary>
    public ulong? GetUserVoiceChannel(ulong userId)
    {
        lock (_lock)
        {
            return _voiceStates.TryGetValue(userId, out var state) ? state.ChannelId : null;
        }
    }

    internal DiscordVoiceState? GetVoiceState(ulong userId)
    {
        lock (_lock)
        {
            return _voiceStates.GetValueOrDefault(userId);
        }
    }

    /// <summary>The cached voice states, of one channel when <paramref name="channelId"/> is given, else of the whole guild.</summary>
    public IReadOnlyList<DiscordVoiceState> GetVoiceStates(ulong? channelId = null)
    {
        lock (_lock)
        {
            return [.. _voiceStates.Values.Where(s => channelId is null || s.ChannelId == channelId)];
        }
    }

    /// <summary>Users in a voice channel that are not bots (unknown users count as humans).</summary>
    public int CountHumans(ulong channelId)
    {
        lock (_lock)
        {
            return _voiceStates.Values.Count(s => s.ChannelId == channelId
                && (_members.GetValueOrDefault(s.UserId)?.User?.Bot ?? s.Member?.User?.Bot) != true);
        }
    }
}
