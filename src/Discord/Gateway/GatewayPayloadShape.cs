using Chorus.Discord.Models;

namespace Chorus.Discord.Gateway;

/// <summary>
/// What the serializer leaves to us. The source-generated reader gives a list property that is absent from the JSON the
/// value null (the "= []" initializer does not run for init-only members it sets), and it accepts null for members the
/// models say are never null ("user":null in READY, "roles":[null]). The guild cache and the event handlers would
/// dereference them; here, where the payload is parsed, absent lists become empty and such a null makes the payload
/// malformed, so everything downstream can trust the models' annotations.
/// </summary>
internal static class GatewayPayloadShape
{
    /// <summary>The payload with every list present, or null when one holds a null element.</summary>
    public static T? Normalize<T>(T payload)
        where T : class => payload switch
        {
            ReadyEvent ready => ready.User is not null && ready.SessionId is not null && ready.ResumeGatewayUrl is not null
                && List(ready.Guilds, g => g, out var guilds) ? ready with { Guilds = guilds } as T : null,
            VoiceServerUpdateEvent server => server.Token is null ? null : payload,
            GuildRoleEvent role => role.Role is null ? null : payload,
            DiscordGuild guild => Normalize(guild) as T,
            DiscordChannel channel => Normalize(channel) as T,
            DiscordVoiceState state => Normalize(state) as T,
            Interaction interaction => Normalize(interaction) as T,
            _ => payload,
        };

    private static DiscordGuild? Normalize(DiscordGuild guild) =>
        List(guild.Roles, r => r, out var roles) && List(guild.Channels, Normalize, out var channels)
        && List(guild.Members, Normalize, out var members) && List(guild.VoiceStates, Normalize, out var states)
            ? guild with { Roles = roles, Channels = channels, Members = members, VoiceStates = states }
            : null;

    private static DiscordChannel? Normalize(DiscordChannel channel) =>
        List(channel.PermissionOverwrites, o => o, out var overwrites) ? channel with { PermissionOverwrites = overwrites } : null;

    private static DiscordGuildMember? Normalize(DiscordGuildMember member) =>
        member with { Roles = member.Roles ?? [] };

    private static DiscordVoiceState? Normalize(DiscordVoiceState state) =>
        state.Member is not { } member ? state : state with { Member = Normalize(member) };

    private static Interaction? Normalize(Interaction interaction)
    {
        if (interaction.Token is null || interaction.Data is { Name: null })
        {
            return null;
        }

        var member = interaction.Member is { } m ? Normalize(m) : null;
        if (interaction.Data is not { } data)
        {
            return interaction with { Member = member };
        }

        if (!List(data.Options, Normalize, out var options))
        {
            return null;
        }

        var resolved = data.Resolved;
        if (resolved?.Channels is { } channels)
        {
            var normalized = new Dictionary<string, DiscordChannel>(StringComparer.Ordinal);
            foreach (var (id, channel) in channels)
            {
                if (channel is null || Normalize(channel) is not { } whole)
                {
                    return null;
                }

                normalized[id] = whole;
            }

            resolved = resolved with { Channels = normalized };
        }

        return interaction with { Member = member, Data = data with { Options = options, Resolved = resolved } };
    }

    private static InteractionDataOption? Normalize(InteractionDataOption option) =>
        option.Name is not null && List(option.Options, Normalize, out var options) ? option with { Options = options } : null;

    private static bool List<T>(IReadOnlyList<T>? items, Func<T, T?> normalize, out IReadOnlyList<T> result)
        where T : class
    {
        result = [];
        if (items is null)
        {
            return true;
        }

        var normalized = new T[items.Count];
        for (var i = 0; i < normalized.Length; i++)
        {
            if (items[i] is not { } item || normalize(item) is not { } whole)
            {
                return false;
            }

            normalized[i] = whole;
        }

        result = normalized;
        return true;
    }
}
