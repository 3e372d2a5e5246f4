using System.Net;
using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Interactions;
using Chorus.Discord.Rest;
using Chorus.Discord.Tests.Gateway;
using Chorus.Emulators.Discord;

namespace Chorus.Discord.Tests.Rest;

[EndToEnd]
public sealed class RestClientTests
{
    private static readonly TimeSpan Timeout = RestRig.Timeout;

    [Fact]
    public async Task Gateway_bot_returns_the_emulator_gateway_and_sends_the_bot_authorization_header()
    {
        await using var rig = await RestRig.StartAsync();

        var info = await rig.Client.GetGatewayBotAsync();

        Assert.Equal(rig.Emulator.GatewayUrl, info.Url);
        Assert.Equal(1, info.Shards);
        Assert.Equal(1, info.SessionStartLimit?.MaxConcurrency);
        var request = Assert.Single(rig.Emulator.RestRequests.Snapshot());
        Assert.Equal("Bot " + rig.Emulator.Options.Token, request.Authorization);
        Assert.DoesNotContain(rig.Emulator.Options.Token, request.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_429_is_retried_after_retry_after()
    {
        await using var rig = await RestRig.StartAsync();
        rig.Emulator.RateLimitNext("/commands", retryAfterSeconds: 0.3);

        await rig.Client.BulkOverwriteGlobalCommandsAsync(rig.Emulator.Options.ApplicationId, [new ApplicationCommand { Name = "ping", Description = "Answers pong" }]);

        var requests = rig.Emulator.RestRequests.Snapshot();
        Assert.Equal([429, 200], requests.Select(r => r.Status));
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(0.3), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
        Assert.Equal(1, rig.Totals.Total(DiscordMetrics.RestRateLimitedName));
        Assert.Equal(0, rig.Totals.Total(DiscordMetrics.RestRateLimitedName, MetricTag.GlobalScope));
        Assert.Single(rig.Emulator.CommandRegistrations.Snapshot());
    }

    [Fact]
    public async Task Global_429_pauses_every_route()
    {
        await using var rig = await RestRig.StartAsync();
        rig.Emulator.RateLimitNext("/messages", retryAfterSeconds: 0.3, global: true);

        var first = rig.Client.CreateMessageAsync(EmulatorRig.TextChannelId, new MessageBody { Content = "hello" });
        await rig.Emulator.RestRequests.WaitForAsync(r => r.Status == 429, Timeout);
        // Give the client the 429 before starting an unrelated route: it must wait for the global pause too. The client
        // counts a 429 just before it logs it.
        await Wait.UntilAsync(() => rig.Totals.Total(DiscordMetrics.RestRateLimitedName, MetricTag.GlobalScope) > 0, rig.Logger.Changed, Timeout, () => "the client to take the global 429");

        var info = await rig.Client.GetGatewayBotAsync().WaitAsync(Timeout);
        await first.WaitAsync(Timeout);

        var requests = rig.Emulator.RestRequests.Snapshot();
        var limited = requests.Single(r => r.Status == 429);
        var gateway = requests.Single(r => r.Path.EndsWith("/gateway/bot", StringComparison.Ordinal));
        Assert.True(gateway.At - limited.At >= TimeSpan.FromSeconds(0.3));
        Assert.NotNull(info.Url);
        Assert.Single(rig.Emulator.ChannelMessages.Snapshot());
    }

    [Fact]
    public async Task Server_errors_are_retried_by_the_transient_pipeline()
    {
        await using var rig = await RestRig.StartAsync();
        rig.Emulator.FailNext("/gateway/bot", 503, count: 2);

        var info = await rig.Client.GetGatewayBotAsync();

        Assert.Equal(rig.Emulator.GatewayUrl, info.Url);
        Assert.Equal([503, 503, 200], rig.Emulator.RestRequests.Snapshot().Select(r => r.Status));
        Assert.Equal(2, rig.Totals.Total(DiscordMetrics.RestRetriesName));
        Assert.Equal(2, rig.Logger.Lines.Count(l => l.Contains("transient failure (503)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Persistent_server_errors_surface_as_a_rest_exception_after_the_retries()
    {
        await using var rig = await RestRig.StartAsync(transientRetries: 2);
        rig.Emulator.FailNext("/gateway/bot", 502, count: 10);

        var error = await Assert.ThrowsAsync<DiscordRestException>(() => rig.Client.GetGatewayBotAsync());

        Assert.Equal(HttpStatusCode.BadGateway, error.Status);
        Assert.Equal(3, rig.Emulator.RestRequests.Count);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_and_carry_discord_error_codes()
    {
        await using var rig = await RestRig.StartAsync();

        var error = await Assert.ThrowsAsync<DiscordRestException>(() =>
            rig.Client.CreateInteractionResponseAsync(42, "no-such-token", InteractionResponse.Message("hi", ephemeral: true)));

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Equal(10062, error.Code);
        Assert.Single(rig.Emulator.RestRequests.Snapshot());
        Assert.DoesNotContain("no-such-token", error.Message, StringComparison.Ordinal);
        Assert.Contains("/interactions/{id}/{token}/callback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Network_failures_are_retried_then_reported()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        var client = new DiscordRestClient(http, new DiscordRestOptions
        {
            Metrics = metrics,
            Token = "t0ken",
            ApiBaseUrl = $"http://127.0.0.1:{port}/api/v10",
            TransientRetries = 2,
            TransientRetryDelay = TimeSpan.FromMilliseconds(5),
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetGatewayBotAsync());

        Assert.Equal(3, totals.Total(DiscordMetrics.RestRequestsName));
        Assert.Equal(2, totals.Total(DiscordMetrics.RestRetriesName));
    }

    [Fact]
    public async Task Deferred_ephemeral_reply_then_edit_and_followup_reach_the_interaction_without_the_bot_token()
    {
        await using var rig = await RestRig.StartAsync();
        var interaction = await rig.Emulator.InvokeCommandAsync(EmulatorRig.GuildId, EmulatorRig.TextChannelId, EmulatorRig.AliceId, "status");
        var app = rig.Emulator.Options.ApplicationId;

        await rig.Client.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Deferred(ephemeral: true));
        var edited = await rig.Client.EditOriginalResponseAsync(app, interaction.Token, new MessageBody { Content = "All good" });
        var followup = await rig.Client.CreateFollowupMessageAsync(app, interaction.Token, new MessageBody { Content = "more", Flags = MessageBody.EphemeralFlag });

        var replies = rig.Emulator.InteractionReplies.Snapshot();
        Assert.Equal([InteractionReplyKind.Callback, InteractionReplyKind.EditOriginal, InteractionReplyKind.Followup], replies.Select(r => r.Kind));
        Assert.Equal(5, replies[0].CallbackType);
        Assert.Equal(64, replies[0].Flags);
        Assert.Equal("All good", replies[1].Content);
        Assert.Equal(64, replies[2].Flags);
        Assert.Equal("All good", edited.Content);
        Assert.Equal("more", followup.Content);
        Assert.All(rig.Emulator.RestRequests.Snapshot(), r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Second_callback_for_the_same_interaction_is_rejected_as_already_acknowledged()
    {
        await using var rig = await RestRig.StartAsync();
        var interaction = await rig.Emulator.InvokeCommandAsync(EmulatorRig.GuildId, EmulatorRig.TextChannelId, EmulatorRig.AliceId, "leave");
        await rig.Client.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Message("bye", ephemeral: false));

        var error = await Assert.ThrowsAsync<DiscordRestException>(() =>
            rig.Client.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Message("again", ephemeral: false)));

        Assert.Equal(40060, error.Code);
    }

    [Fact]
    public async Task The_token_never_reaches_logs_or_exceptions()
    {
        await using var rig = await RestRig.StartAsync(transientRetries: 1);
        rig.Emulator.RateLimitNext("/gateway/bot", 0.05);
        rig.Emulator.FailNext("/channels/", 500, count: 5);
        await rig.Client.GetGatewayBotAsync();
        var error = await Assert.ThrowsAsync<DiscordRestException>(() =>
            rig.Client.CreateMessageAsync(EmulatorRig.TextChannelId, new MessageBody { Content = "x" }));

        var token = rig.Emulator.Options.Token;
        Assert.NotEmpty(rig.Logger.Lines);
        Assert.DoesNotContain(rig.Logger.Lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(token, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, RestRig.Options(rig.Emulator).ToString(), StringComparison.Ordinal);
    }
}
