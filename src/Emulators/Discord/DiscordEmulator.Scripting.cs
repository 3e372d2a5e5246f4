using System.Text.Json.Nodes;

namespace Chorus.Emulators.Discord;

public sealed partial class DiscordEmulator
{
    private const ulong AllPermissions = (1UL << 50) - 1;
    private const ulong Administrator = 1UL << 3;

    /// <summary>Adds a guild (and the bot as a member); connected sessions that own it get GUILD_CREATE.</summary>
    public async Task AddGuildAsync(EmulatedGuild guild)
    {
        ArgumentNullException.ThrowIfNull(guild);
        lock (_stateLock)
        {
            if (!guild.Roles.Any(r => r.Id == guild.Id))
            {
                guild.Roles.Insert(0, new EmulatedRole(guild.Id, "@everyone", 0));
            }

            if (!guild.Members.Any(m => m.UserId == Options.BotUserId))
            {
                guild.Members.Add(new EmulatedMember(Options.BotUserId, Options.BotUsername, [], Bot: true));
            }

            _guilds[guild.Id] = guild;
        }

        await DispatchToGuildAsync(guild.Id, "GUILD_CREATE", GuildJson(guild)).ConfigureAwait(false);
    }

    public async Task RemoveGuildAsync(ulong guildId)
    {
        lock (_stateLock)
        {
            _guilds.Remove(guildId);
        }

        await DispatchToGuildAsync(guildId, "GUILD_DELETE", new JsonObject { ["id"] = Id(guildId), ["unavailable"] = false }).ConfigureAwait(false);
    }

    public Task UserJoinsVoiceAsync(ulong guildId, ulong userId, ulong channelId) =>
        SetVoiceStateAsync(guildId, userId, channelId, Guid.NewGuid().ToString("N"), false, false);

    public Task UserLeavesVoiceAsync(ulong guildId, ulong userId) =>
        SetVoiceStateAsync(guildId, userId, null, Guid.NewGuid().ToString("N"), false, false);

    /// <summary>The channel the emulator believes a user is in.</summary>
    public ulong? GetVoiceChannel(ulong guildId, ulong userId)
    {
        lock (_stateLock)
        {
            return _guilds.TryGetValue(guildId, out var guild) && guild.VoiceStates.TryGetValue(userId, out var state)
                ? state.ChannelId
                : null;
        }
    }

    /// <summary>Sends VOICE_SERVER_UPDATE (endpoint null = server lost; a new endpoint = server move).</summary>
    public Task SendVoiceServerUpdateAsync(ulong guildId, string? endpoint, string? token = null) =>
        DispatchToGuildAsync(guildId, "VOICE_SERVER_UPDATE", new JsonObject
        {
            ["token"] = token ?? Guid.NewGuid().ToString("N"),
            ["guild_id"] = Id(guildId),
            ["endpoint"] = endpoint,
        });

    /// <summary>Dispatches an arbitrary event to the sessions that own the guild.</summary>
    public Task DispatchRawEventAsync(ulong guildId, string eventName, JsonNode data) => DispatchToGuildAsync(guildId, eventName, data);

    /// <summary>A user runs a slash command; returns the interaction so tests can wait for the bot's reply.</summary>
    public Task<EmulatedInteraction> InvokeCommandAsync(ulong guildId, ulong channelId, ulong userId, string commandName, JsonArray? options = null) =>
        InvokeInteractionAsync(2, guildId, channelId, userId, commandName, options);

    /// <summary>A user types in an autocomplete option (mark it with "focused": true in the options).</summary>
    public Task<EmulatedInteraction> InvokeAutocompleteAsync(ulong guildId, ulong channelId, ulong userId, string commandName, JsonArray options) =>
        InvokeInteractionAsync(4, guildId, channelId, userId, commandName, options);

    private async Task<EmulatedInteraction> InvokeInteractionAsync(int type, ulong guildId, ulong channelId, ulong userId, string commandName, JsonArray? options)
    {
        var interaction = new EmulatedInteraction(NextSnowflake(), "itoken-" + Guid.NewGuid().ToString("N"), guildId, channelId, userId, commandName);
        JsonObject data;
        lock (_stateLock)
        {
            var guild = _guilds[guildId];
            var member = guild.Members.FirstOrDefault(m => m.UserId == userId)
                ?? new EmulatedMember(userId, "user" + Id(userId), []);
            var permissions = BasePermissions(guild, member);
            var botPermissions = BasePermissions(guild, guild.Members.First(m => m.UserId == Options.BotUserId));
            var resolvedChannels = new JsonObject();
            foreach (var option in Flatten(options))
            {
                if (option?["type"]?.GetValue<int>() == 7 && ulong.TryParse(option["value"]?.GetValue<string>(), out var optionChannel)
                    && guild.Channels.FirstOrDefault(c => c.Id == optionChannel) is { } resolved)
                {
                    resolvedChannels[Id(resolved.Id)] = new JsonObject
                    {
                        ["id"] = Id(resolved.Id),
                        ["name"] = resolved.Name,
                        ["type"] = resolved.Type,
                        ["permissions"] = Id(permissions),
                    };
                }
            }

            var commandId = _commandIds.TryGetValue(commandName, out var known) ? known : NextSnowflake();
            var commandData = new JsonObject
            {
                ["id"] = Id(commandId),
                ["name"] = commandName,
                ["type"] = 1,
                ["guild_id"] = Id(guildId),
            };
            if (options is not null)
            {
                commandData["options"] = options.DeepClone();
            }

            if (resolvedChannels.Count > 0)
            {
                commandData["resolved"] = new JsonObject { ["channels"] = resolvedChannels };
            }

            data = new JsonObject
            {
                ["id"] = Id(interaction.Id),
                ["application_id"] = Id(Options.ApplicationId),
                ["type"] = type,
                ["token"] = interaction.Token,
                ["version"] = 1,
                ["guild_id"] = Id(guildId),
                ["channel_id"] = Id(channelId),
                ["channel"] = new JsonObject { ["id"] = Id(channelId), ["type"] = guild.Channels.FirstOrDefault(c => c.Id == channelId)?.Type ?? 0, ["guild_id"] = Id(guildId) },
                ["member"] = MemberJson(member, permissions),
                ["data"] = commandData,
                ["locale"] = "en-US",
                ["guild_locale"] = "en-US",
                ["app_permissions"] = Id(botPermissions),
                ["entitlements"] = new JsonArray(),
                ["authorizing_integration_owners"] = new JsonObject { ["0"] = Id(guildId) },
                ["context"] = 0,
                ["attachment_size_limit"] = 10 * 1024 * 1024,
            };
            _interactions[interaction.Token] = interaction;
        }

        await DispatchToGuildAsync(guildId, "INTERACTION_CREATE", data).ConfigureAwait(false);
        return interaction;
    }

    /// <summary>Aborts every gateway socket without a close frame; sessions stay resumable.</summary>
    public void DropConnections()
    {
        lock (_stateLock)
        {
            foreach (var connection in _connections)
            {
                if (connection.Session is { } session && session.Connection == connection)
                {
                    // Detach first so events dispatched from now on go to the replay log only.
                    session.Connection = null;
                }

                connection.Socket.Abort();
            }
        }
    }

    /// <summary>Closes every gateway socket with a close code (e.g. 4004, 4014, 4000).</summary>
    public Task CloseConnectionsAsync(int code, string reason = "scripted close") =>
        ForEachConnectionAsync(c => c.CloseAsync(code, reason));

    /// <summary>Sends op 7: the client should reconnect and resume.</summary>
    public Task RequestReconnectAsync() => SendRawAsync("{\"op\":7,\"d\":null,\"s\":null,\"t\":null}");

    /// <summary>Sends op 9; when not resumable the sessions are forgotten.</summary>
    public Task InvalidateSessionsAsync(bool resumable)
    {
        if (!resumable)
        {
            lock (_stateLock)
            {
                _sessions.Clear();
            }
        }

        return SendRawAsync(resumable ? "{\"op\":9,\"d\":true,\"s\":null,\"t\":null}" : "{\"op\":9,\"d\":false,\"s\":null,\"t\":null}");
    }

    /// <summary>Asks every client for an immediate heartbeat (op 1).</summary>
    public Task RequestHeartbeatAsync() => SendRawAsync("{\"op\":1,\"d\":null,\"s\":null,\"t\":null}");

    /// <summary>Sends bytes as one text frame on every gateway socket, bypassing sequencing (malformed-input tests).</summary>
    public Task SendRawAsync(string text) => ForEachConnectionAsync(c => c.SendAsync(text));

    /// <summary>The next <paramref name="count"/> REST requests whose path contains the text get 429 with Retry-After.</summary>
    public void RateLimitNext(string pathContains, double retryAfterSeconds, bool global = false, int count = 1)
    {
        lock (_stateLock)
        {
            _faults.Add(new RestFaultRule(pathContains, 429, retryAfterSeconds, global) { Remaining = count });
        }
    }

    /// <summary>The next <paramref name="count"/> REST requests whose path contains the text fail with the status (e.g. 503).</summary>
    public void FailNext(string pathContains, int status, int count = 1)
    {
        lock (_stateLock)
        {
            _faults.Add(new RestFaultRule(pathContains, status, 0, false) { Remaining = count });
        }
    }

    private async Task ForEachConnectionAsync(Func<EmulatedGatewayConnection, Task> action)
    {
        List<EmulatedGatewayConnection> connections;
        lock (_stateLock)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            await action(connection).ConfigureAwait(false);
        }
    }

    private async Task SetVoiceStateAsync(ulong guildId, ulong userId, ulong? channelId, string sessionId, bool selfMute, bool selfDeaf)
    {
        JsonObject state;
        lock (_stateLock)
        {
            var guild = _guilds[guildId];
            if (channelId is ulong channel)
            {
                guild.VoiceStates[userId] = (channel, sessionId);
            }
            else
            {
                guild.VoiceStates.Remove(userId);
            }

            var member = guild.Members.FirstOrDefault(m => m.UserId == userId) ?? new EmulatedMember(userId, "user" + Id(userId), []);
            state = VoiceStateJson(guild, userId, channelId, sessionId, member, includeGuild: true);
            state["self_mute"] = selfMute;
            state["self_deaf"] = selfDeaf;
        }

        await DispatchToGuildAsync(guildId, "VOICE_STATE_UPDATE", state).ConfigureAwait(false);
    }

    private static IEnumerable<JsonNode?> Flatten(JsonArray? options)
    {
        if (options is null)
        {
            yield break;
        }

        foreach (var option in options)
        {
            yield return option;
            foreach (var inner in Flatten(option?["options"] as JsonArray))
            {
                yield return inner;
            }
        }
    }

    /// <summary>Guild-level permissions (roles only; the emulator does not apply channel overwrites here).</summary>
    private static ulong BasePermissions(EmulatedGuild guild, EmulatedMember member)
    {
        if (member.UserId == guild.OwnerId)
        {
            return AllPermissions;
        }

        var permissions = guild.Roles.FirstOrDefault(r => r.Id == guild.Id)?.Permissions ?? 0;
        foreach (var role in guild.Roles.Where(r => member.Roles.Contains(r.Id)))
        {
            permissions |= role.Permissions;
        }

        return (permissions & Administrator) != 0 ? AllPermissions : permissions;
    }

    private JsonObject GuildJson(EmulatedGuild guild)
    {
        lock (_stateLock)
        {
            return new JsonObject
            {
                ["id"] = Id(guild.Id),
                ["name"] = guild.Name,
                ["icon"] = null,
                ["owner_id"] = Id(guild.OwnerId),
                ["unavailable"] = false,
                ["large"] = false,
                ["member_count"] = guild.Members.Count,
                ["joined_at"] = "2026-01-01T00:00:00.000000+00:00",
                ["afk_timeout"] = 300,
                ["verification_level"] = 0,
                ["default_message_notifications"] = 0,
                ["explicit_content_filter"] = 0,
                ["mfa_level"] = 0,
                ["nsfw_level"] = 0,
                ["premium_tier"] = 0,
                ["preferred_locale"] = "en-US",
                ["system_channel_flags"] = 0,
                ["features"] = new JsonArray(),
                ["emojis"] = new JsonArray(),
                ["stickers"] = new JsonArray(),
                ["threads"] = new JsonArray(),
                ["presences"] = new JsonArray(),
                ["stage_instances"] = new JsonArray(),
                ["guild_scheduled_events"] = new JsonArray(),
                ["soundboard_sounds"] = new JsonArray(),
                ["roles"] = new JsonArray([.. guild.Roles.Select(r => (JsonNode)new JsonObject
                {
                    ["id"] = Id(r.Id),
                    ["name"] = r.Name,
                    ["permissions"] = Id(r.Permissions),
                    ["position"] = r.Position,
                    ["color"] = 0,
                    ["hoist"] = false,
                    ["managed"] = false,
                    ["mentionable"] = false,
                    ["flags"] = 0,
                })]),
                ["channels"] = new JsonArray([.. guild.Channels.Select((c, index) => (JsonNode)ChannelJson(guild.Id, c, index))]),
                ["members"] = new JsonArray([.. guild.Members.Select(m => (JsonNode)MemberJson(m, null))]),
                ["voice_states"] = new JsonArray([.. guild.VoiceStates.Select(v => (JsonNode)VoiceStateJson(
                    guild, v.Key, v.Value.ChannelId, v.Value.SessionId,
                    guild.Members.FirstOrDefault(m => m.UserId == v.Key) ?? new EmulatedMember(v.Key, "user" + Id(v.Key), []),
                    includeGuild: false))]),
            };
        }
    }

    private static JsonObject ChannelJson(ulong guildId, EmulatedChannel channel, int position)
    {
        var json = new JsonObject
        {
            ["id"] = Id(channel.Id),
            ["type"] = channel.Type,
            ["guild_id"] = Id(guildId),
            ["name"] = channel.Name,
            ["position"] = position,
            ["parent_id"] = channel.ParentId is ulong parent ? Id(parent) : null,
            ["nsfw"] = false,
            ["permission_overwrites"] = new JsonArray([.. (channel.Overwrites ?? []).Select(o => (JsonNode)new JsonObject
            {
                ["id"] = Id(o.Id),
                ["type"] = o.Type,
                ["allow"] = Id(o.Allow),
                ["deny"] = Id(o.Deny),
            })]),
        };
        if (channel.Type == EmulatedChannel.Voice)
        {
            json["bitrate"] = 64000;
            json["user_limit"] = 0;
            json["rtc_region"] = null;
        }

        return json;
    }

    private static JsonObject MemberJson(EmulatedMember member, ulong? permissions)
    {
        var json = new JsonObject
        {
            ["user"] = UserJson(member.UserId, member.Username, member.Bot),
            ["nick"] = null,
            ["roles"] = new JsonArray([.. member.Roles.Select(r => (JsonNode)JsonValue.Create(Id(r)))]),
            ["joined_at"] = "2026-01-01T00:00:00.000000+00:00",
            ["deaf"] = false,
            ["mute"] = false,
            ["flags"] = 0,
        };
        if (permissions is ulong p)
        {
            json["permissions"] = Id(p);
        }

        return json;
    }

    private static JsonObject VoiceStateJson(EmulatedGuild guild, ulong userId, ulong? channelId, string sessionId, EmulatedMember member, bool includeGuild)
    {
        var json = new JsonObject
        {
            ["channel_id"] = channelId is ulong c ? Id(c) : null,
            ["user_id"] = Id(userId),
            ["session_id"] = sessionId,
            ["deaf"] = false,
            ["mute"] = false,
            ["self_deaf"] = false,
            ["self_mute"] = false,
            ["self_video"] = false,
            ["suppress"] = false,
            ["request_to_speak_timestamp"] = null,
            ["member"] = MemberJson(member, null),
        };
        if (includeGuild)
        {
            json["guild_id"] = Id(guild.Id);
        }

        return json;
    }
}
