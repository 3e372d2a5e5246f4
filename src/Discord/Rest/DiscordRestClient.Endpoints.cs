using System.Text.Json;
using Chorus.Discord.Interactions;
using Chorus.Discord.Models;

namespace Chorus.Discord.Rest;

public sealed partial class DiscordRestClient
{
    /// <summary>GET /gateway/bot: gateway URL, recommended shard count, identify limits.</summary>
    internal async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken = default)
    {
        const string route = "GET /gateway/bot";
        var response = await SendAsync(HttpMethod.Get, route, string.Empty, "gateway/bot", null, authenticate: true, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, DiscordJsonContext.Default.GatewayBotInfo, route, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PUT /applications/{app}/commands: replaces every global command.</summary>
    public async Task BulkOverwriteGlobalCommandsAsync(ulong applicationId, IReadOnlyList<ApplicationCommand> commands, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(commands, DiscordJsonContext.Default.IReadOnlyListApplicationCommand);
        using var response = await SendAsync(
            HttpMethod.Put, "PUT /applications/{app}/commands", string.Empty, $"applications/{Id(applicationId)}/commands", body, authenticate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PUT /applications/{app}/guilds/{guild}/commands: instant registration for one guild (development).</summary>
    public async Task BulkOverwriteGuildCommandsAsync(ulong applicationId, ulong guildId, IReadOnlyList<ApplicationCommand> commands, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(commands, DiscordJsonContext.Default.IReadOnlyListApplicationCommand);
        using var response = await SendAsync(
            HttpMethod.Put, "PUT /applications/{app}/guilds/{guild}/commands", Id(guildId),
            $"applications/{Id(applicationId)}/guilds/{Id(guildId)}/commands", body, authenticate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /interactions/{id}/{token}/callback: the initial response, due within 3 s.</summary>
    public async Task CreateInteractionResponseAsync(ulong interactionId, string interactionToken, InteractionResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(interactionToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(response, DiscordJsonContext.Default.InteractionResponse);
        using var message = await SendAsync(
            HttpMethod.Post, "POST /interactions/{id}/{token}/callback", Id(interactionId) + "/" + interactionToken,
            $"interactions/{Id(interactionId)}/{Uri.EscapeDataString(interactionToken)}/callback", body, authenticate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PATCH /webhooks/{app}/{token}/messages/@original: completes a deferred response.</summary>
    public async Task<DiscordMessage> EditOriginalResponseAsync(ulong applicationId, string interactionToken, MessageBody message, CancellationToken cancellationToken = default)
    {
        const string route = "PATCH /webhooks/{app}/{token}/messages/@original";
        ArgumentException.ThrowIfNullOrEmpty(interactionToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, DiscordJsonContext.Default.MessageBody);
        var response = await SendAsync(
            HttpMethod.Patch, route, Id(applicationId) + "/" + interactionToken,
            $"webhooks/{Id(applicationId)}/{Uri.EscapeDataString(interactionToken)}/messages/@original", body, authenticate: false, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, DiscordJsonContext.Default.DiscordMessage, route, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /webhooks/{app}/{token}: a follow-up message (flags 64 = ephemeral).</summary>
    internal async Task<DiscordMessage> CreateFollowupMessageAsync(ulong applicationId, string interactionToken, MessageBody message, CancellationToken cancellationToken = default)
    {
        const string route = "POST /webhooks/{app}/{token}";
        ArgumentException.ThrowIfNullOrEmpty(interactionToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, DiscordJsonContext.Default.MessageBody);
        var response = await SendAsync(
            HttpMethod.Post, route, Id(applicationId) + "/" + interactionToken,
            $"webhooks/{Id(applicationId)}/{Uri.EscapeDataString(interactionToken)}", body, authenticate: false, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, DiscordJsonContext.Default.DiscordMessage, route, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /channels/{channel}/messages (transcripts).</summary>
    public async Task<DiscordMessage> CreateMessageAsync(ulong channelId, MessageBody message, CancellationToken cancellationToken = default)
    {
        const string route = "POST /channels/{channel}/messages";
        var body = JsonSerializer.SerializeToUtf8Bytes(message, DiscordJsonContext.Default.MessageBody);
        var response = await SendAsync(
            HttpMethod.Post, route, Id(channelId), $"channels/{Id(channelId)}/messages", body, authenticate: true, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, DiscordJsonContext.Default.DiscordMessage, route, cancellationToken).ConfigureAwait(false);
    }
}
