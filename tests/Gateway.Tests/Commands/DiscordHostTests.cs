using Chorus.Discord.Gateway;
using Chorus.Emulators.Discord;
using Chorus.Gateway.Commands;
using Chorus.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Tests.Commands;

[EndToEnd]
public sealed class DiscordHostTests(CommandClusterFixture fixture) : IClassFixture<CommandClusterFixture>
{
    private static readonly TimeSpan Timeout = CommandRig.Timeout;

    private IHost BuildHost(DiscordEmulator emulator, string token)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Token"] = token,
            ["Discord:ApiBaseUrl"] = emulator.ApiBaseUrl,
            ["Discord:ShardCount"] = "auto",
            ["Gateway:Id"] = "gw-host",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IGrainFactory>(fixture.Cluster.Client);
        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName));
        builder.Services.AddChorusDiscord(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task The_hosted_bot_connects_registers_its_commands_and_answers()
    {
        // Shaped like a bot token: the Discord section's options are validated on start.
        await using var emulator = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions { Token = "MTEx.hosted-bot.token-value" });
        var guildId = (ulong)Random.Shared.NextInt64(1, 1L << 40) << 22;
        await emulator.AddGuildAsync(new EmulatedGuild(guildId, "Hosted", CommandRig.OwnerId)
            .WithChannel(new EmulatedChannel(CommandRig.TextChannelId, "general", EmulatedChannel.Text)));
        using var host = BuildHost(emulator, emulator.Options.Token);

        await host.StartAsync().WaitAsync(Timeout);
        var registration = await emulator.CommandRegistrations.WaitForAsync(_ => true, Timeout);
        var interaction = await emulator.InvokeCommandAsync(guildId, CommandRig.TextChannelId, CommandRig.AliceId, "status");
        // The final answer: a direct reply, or the edit of a deferral when /status took longer than DeferAfter (a loaded machine).
        var reply = await emulator.InteractionReplies.WaitForAsync(
            r => r.Token == interaction.Token && (r.Kind == InteractionReplyKind.EditOriginal || r.CallbackType == 4), Timeout);
        await host.StopAsync().WaitAsync(Timeout);

        Assert.Null(registration.GuildId);
        Assert.Equal(emulator.Options.ApplicationId, registration.ApplicationId);
        // The registered list is the handlers' own definitions: every handler in the container, nothing else.
        var handlers = host.Services.GetServices<ISlashCommand>().Select(c => c.Definition.Name).ToList();
        Assert.Equal(["join", "leave", "persona", "status", "usage", "settings"], handlers);
        Assert.Equal(handlers, registration.Commands.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(
            [null, null, "32", null, null, "32"],
            registration.Commands.Select(c => c!["default_member_permissions"]?.GetValue<string>()));
        Assert.StartsWith("**Session**: Idle", reply.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_token_fails_the_host_start_with_the_reason_and_without_the_token()
    {
        await using var emulator = await DiscordEmulator.StartAsync();
        const string badToken = "bad.token.value-123";
        using var host = BuildHost(emulator, badToken);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync().WaitAsync(Timeout));

        // GET /gateway/bot already refuses the token (401) before the gateway would close with 4004.
        Assert.True(error is Chorus.Discord.Rest.DiscordRestException { Status: System.Net.HttpStatusCode.Unauthorized } or GatewayFatalException { CloseCode: 4004 }, error.ToString());
        Assert.DoesNotContain(badToken, error.ToString(), StringComparison.Ordinal);
    }
}
