using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Chorus.Emulators.Discord;

public sealed partial class DiscordEmulator
{
    private async Task HandleRestAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var method = context.Request.Method;
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        }

        var authorization = context.Request.Headers.Authorization.FirstOrDefault();
        var segments = RouteSegments(path);
        (var status, var response, var bucket) = await RouteAsync(context, method, segments, body, authorization).ConfigureAwait(false);
        RestRequests.Add(new RestRequestRecord(method, path, authorization, body, Now, status));

        context.Response.StatusCode = status;
        if (status != 429)
        {
            context.Response.Headers["X-RateLimit-Limit"] = "50";
            context.Response.Headers["X-RateLimit-Remaining"] = "49";
            context.Response.Headers["X-RateLimit-Reset-After"] = "1.000";
            context.Response.Headers["X-RateLimit-Reset"] = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 1).ToString("F3", CultureInfo.InvariantCulture);
            context.Response.Headers["X-RateLimit-Bucket"] = bucket;
        }

        if (response is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.ToJsonString()).ConfigureAwait(false);
        }
    }

    /// <summary>Strips /api and an optional /v{n} so both our client and discord.js land on the same routes.</summary>
    private static string[] RouteSegments(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var skip = 0;
        if (parts.Length > 0 && parts[0] == "api")
        {
            skip = 1;
            if (parts.Length > 1 && parts[1].Length > 1 && parts[1][0] == 'v' && parts[1][1..].All(char.IsAsciiDigit))
            {
                skip = 2;
            }
        }

        return parts[skip..];
    }

    private async Task<(int Status, JsonNode? Body, string Bucket)> RouteAsync(HttpContext context, string method, string[] s, string body, string? authorization)
    {
        var fault = TakeFault(context.Request.Path.Value ?? string.Empty);
        if (fault is not null)
        {
            if (fault.Status == 429)
            {
                context.Response.Headers["Retry-After"] = Math.Ceiling(fault.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["X-RateLimit-Limit"] = "5";
                context.Response.Headers["X-RateLimit-Remaining"] = "0";
                context.Response.Headers["X-RateLimit-Reset-After"] = fault.RetryAfterSeconds.ToString("F3", CultureInfo.InvariantCulture);
                context.Response.Headers["X-RateLimit-Scope"] = fault.Global ? "global" : "user";
                if (fault.Global)
                {
                    context.Response.Headers["X-RateLimit-Global"] = "true";
                }
                else
                {
                    context.Response.Headers["X-RateLimit-Bucket"] = "scripted";
                }

                return (429, new JsonObject
                {
                    ["message"] = "You are being rate limited.",
                    ["retry_after"] = fault.RetryAfterSeconds,
                    ["global"] = fault.Global,
                }, "scripted");
            }

            return (fault.Status, new JsonObject { ["message"] = "Scripted failure", ["code"] = 0 }, "scripted");
        }

        var authorized = string.Equals(authorization, "Bot " + Options.Token, StringComparison.Ordinal);
        JsonNode? parsed = null;
        if (body.Length > 0)
        {
            try
            {
                parsed = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                return (400, new JsonObject { ["message"] = "The request body contains invalid JSON.", ["code"] = 50109 }, "invalid");
            }
        }

        switch (method, s)
        {
            case ("GET", ["gateway"]):
                return (200, new JsonObject { ["url"] = GatewayUrl }, "gateway");
            case ("GET", ["gateway", "bot"]) when authorized:
                return (200, new JsonObject
                {
                    ["url"] = GatewayUrl,
                    ["shards"] = Options.RecommendedShards,
                    ["session_start_limit"] = new JsonObject
                    {
                        ["total"] = 1000,
                        ["remaining"] = SessionStartsRemaining(out var resetAfterMs),
                        ["reset_after"] = resetAfterMs,
                        ["max_concurrency"] = Options.MaxConcurrency,
                    },
                }, "gateway-bot");
            case ("GET", ["users", "@me"]) when authorized:
                return (200, UserJson(Options.BotUserId, Options.BotUsername, bot: true), "users");
            case ("PUT", ["applications", _, "commands"] or ["applications", _, "guilds", _, "commands"]) when authorized
                && CommandDefinitionRules.Check(parsed) is var (path, problem):
                return (400, InvalidFormBody(path, problem), "commands");
            case ("PUT", ["applications", var app, "commands"]) when authorized:
                return (200, RegisterCommands(app, null, parsed), "commands");
            case ("PUT", ["applications", var app, "guilds", var guild, "commands"]) when authorized:
                return (200, RegisterCommands(app, guild, parsed), "guild-commands");
            case ("POST", ["interactions", var id, var token, "callback"]):
                return InteractionCallback(id, token, parsed, context.Request.Query["with_response"] == "true");
            case ("PATCH", ["webhooks", var app, var token, "messages", "@original"]):
                return WebhookMessage(app, token, InteractionReplyKind.EditOriginal, parsed);
            case ("POST", ["webhooks", var app, var token]):
                return WebhookMessage(app, token, InteractionReplyKind.Followup, parsed);
            case ("POST", ["channels", var channel, "messages"]) when authorized && ulong.TryParse(channel, out var channelId):
                ChannelMessages.Add(new ChannelMessageRecord(channelId, parsed));
                return (200, MessageJson(channelId, parsed), "messages");
            case (_, ["gateway", ..] or ["users", ..] or ["applications", ..] or ["channels", ..]) when !authorized:
                return (401, new JsonObject { ["message"] = "401: Unauthorized", ["code"] = 0 }, "unauthorized");
            default:
                await Task.CompletedTask.ConfigureAwait(false);
                return (404, new JsonObject { ["message"] = "404: Not Found", ["code"] = 0 }, "not-found");
        }
    }

    private RestFaultRule? TakeFault(string path)
    {
        lock (_stateLock)
        {
            var rule = _faults.FirstOrDefault(f => f.Remaining > 0 && path.Contains(f.PathContains, StringComparison.Ordinal));
            if (rule is not null)
            {
                rule.Remaining--;
                if (rule.Remaining == 0)
                {
                    _faults.Remove(rule);
                }
            }

            return rule;
        }
    }

    /// <summary>Discord's 50035 answer: the errors object nests the path of the bad field, with the problem under "_errors".</summary>
    private static JsonObject InvalidFormBody(string path, string problem)
    {
        JsonNode errors = new JsonObject { ["_errors"] = new JsonArray(new JsonObject { ["code"] = "BASE_TYPE_INVALID", ["message"] = problem }) };
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            errors = new JsonObject { [segment] = errors };
        }

        return new JsonObject { ["message"] = "Invalid Form Body", ["code"] = 50035, ["errors"] = errors };
    }

    private JsonArray RegisterCommands(string application, string? guild, JsonNode? body)
    {
        var commands = body as JsonArray ?? [];
        var result = new JsonArray();
        lock (_stateLock)
        {
            foreach (var command in commands)
            {
                if (command is not JsonObject definition || definition["name"]?.GetValue<string>() is not string name)
                {
                    continue;
                }

                var id = _commandIds.TryGetValue(name, out var existing) ? existing : NextSnowflake();
                _commandIds[name] = id;
                var registered = (JsonObject)definition.DeepClone();
                registered["id"] = Id(id);
                registered["application_id"] = application;
                registered["version"] = Id(NextSnowflake());
                if (guild is not null)
                {
                    registered["guild_id"] = guild;
                }

                result.Add(registered);
            }
        }

        CommandRegistrations.Add(new CommandRegistrationRecord(
            ulong.TryParse(application, out var appId) ? appId : 0,
            guild is not null && ulong.TryParse(guild, out var guildId) ? guildId : null,
            (JsonArray)commands.DeepClone()));
        return result;
    }

    private (int, JsonNode?, string) InteractionCallback(string id, string token, JsonNode? body, bool withResponse)
    {
        EmulatedInteraction? interaction;
        bool alreadyAcknowledged;
        lock (_stateLock)
        {
            interaction = _interactions.GetValueOrDefault(token);
            alreadyAcknowledged = interaction is not null && !_acknowledgedInteractions.Add(token);
        }

        if (interaction is null || !string.Equals(Id(interaction.Id), id, StringComparison.Ordinal))
        {
            return (404, new JsonObject { ["message"] = "Unknown interaction", ["code"] = 10062 }, "callback");
        }

        if (alreadyAcknowledged)
        {
            return (400, new JsonObject { ["message"] = "Interaction has already been acknowledged.", ["code"] = 40060 }, "callback");
        }

        InteractionReplies.Add(new InteractionReplyRecord(InteractionReplyKind.Callback, token, interaction.Id, body));
        if (!withResponse)
        {
            return (204, null, "callback");
        }

        return (200, new JsonObject
        {
            ["interaction"] = new JsonObject
            {
                ["id"] = id,
                ["type"] = 2,
                ["activity_instance_id"] = null,
                ["response_message_id"] = null,
                ["response_message_loading"] = body?["type"]?.GetValue<int>() == 5,
                ["response_message_ephemeral"] = ((body?["data"]?["flags"]?.GetValue<int>() ?? 0) & 64) != 0,
            },
            ["resource"] = new JsonObject
            {
                ["type"] = body?["type"]?.GetValue<int>() ?? 4,
                ["message"] = MessageJson(interaction.ChannelId, body?["data"]),
            },
        }, "callback");
    }

    private (int, JsonNode?, string) WebhookMessage(string application, string token, InteractionReplyKind kind, JsonNode? body)
    {
        EmulatedInteraction? interaction;
        lock (_stateLock)
        {
            interaction = _interactions.GetValueOrDefault(token);
        }

        if (interaction is null || !string.Equals(application, Id(Options.ApplicationId), StringComparison.Ordinal))
        {
            return (404, new JsonObject { ["message"] = "Unknown Webhook", ["code"] = 10015 }, "webhook");
        }

        InteractionReplies.Add(new InteractionReplyRecord(kind, token, interaction.Id, body));
        return (200, MessageJson(interaction.ChannelId, body), "webhook");
    }

    private JsonObject MessageJson(ulong channelId, JsonNode? body) => new()
    {
        ["id"] = Id(NextSnowflake()),
        ["channel_id"] = Id(channelId),
        ["type"] = 0,
        ["content"] = body?["content"]?.DeepClone() ?? string.Empty,
        ["author"] = UserJson(Options.BotUserId, Options.BotUsername, bot: true),
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
        ["edited_timestamp"] = null,
        ["flags"] = body?["flags"]?.DeepClone() ?? 0,
        ["tts"] = false,
        ["mention_everyone"] = false,
        ["mentions"] = new JsonArray(),
        ["mention_roles"] = new JsonArray(),
        ["attachments"] = new JsonArray(),
        ["embeds"] = new JsonArray(),
        ["components"] = new JsonArray(),
        ["pinned"] = false,
    };
}
