namespace Chorus.Emulators.Discord;

/// <summary>A scripted guild. The @everyone role (id = guild id) is added if missing. Mutated only through the emulator.</summary>
public sealed class EmulatedGuild
{
    public EmulatedGuild(ulong id, string name, ulong ownerId)
    {
        Id = id;
        Name = name;
        OwnerId = ownerId;
    }

    public ulong Id { get; }

    public string Name { get; }

    public ulong OwnerId { get; }

    public List<EmulatedRole> Roles { get; } = [];

    public List<EmulatedChannel> Channels { get; } = [];

    public List<EmulatedMember> Members { get; } = [];

    /// <summary>user id -> (channel id, voice session id).</summary>
    internal Dictionary<ulong, (ulong ChannelId, string SessionId)> VoiceStates { get; } = [];

    public EmulatedGuild WithRole(EmulatedRole role)
    {
        Roles.Add(role);
        return this;
    }

    public EmulatedGuild WithChannel(EmulatedChannel channel)
    {
        Channels.Add(channel);
        return this;
    }

    public EmulatedGuild WithMember(EmulatedMember member)
    {
        Members.Add(member);
        return this;
    }

    /// <summary>Puts a user in a voice channel before any client connects (shows up in GUILD_CREATE).</summary>
    public EmulatedGuild WithVoiceState(ulong userId, ulong channelId)
    {
        VoiceStates[userId] = (channelId, Guid.NewGuid().ToString("N"));
        return this;
    }

    public ulong ShardOf(int shardCount) => (Id >> 22) % (ulong)shardCount;
}
