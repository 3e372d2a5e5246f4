using System.Text.Json.Nodes;
using Chorus.Discord.Gateway;
using Chorus.Discord.Interactions;
using Chorus.Discord.Models;
using Chorus.Discord.Rest;
using Chorus.Emulators.Discord;
using Chorus.Gateway.Commands;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Gateway.Tests.Commands;

/// <summary>The Discord emulator, one shard, the REST client and the command dispatcher wired to a test cluster.</summary>
internal sealed class CommandRig : IAsyncDisposable
{
    public const ulong OwnerId = 500;
    public const ulong AliceId = 501;
    public const ulong BobId = 502;
    public const ulong ManagerId = 503;
    public const ulong CarolId = 504;
    public const ulong DaveId = 505;
    public const ulong AnnouncementChannelId = 9005;
    public const ulong HiddenTextChannelId = 9006;
    public const ulong TextChannelId = 9001;
    public const ulong VoiceChannelId = 9002;
    public const ulong LockedVoiceChannelId = 9003;
    public const ulong OtherVoiceChannelId = 9004;
    public const ulong ManagerRoleId = 7001;
    public const ulong ModeratorRoleId = 7002;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;

    private CommandRig(DiscordEmulator emulator, GatewayClient gateway, HttpClient http, InteractionDispatcher dispatcher, ulong guildId, SignallingVoiceChannelJoiner joiner)
    {
        Joiner = joiner;
        Emulator = emulator;
        Gateway = gateway;
        _http = http;
        Dispatcher = dispatcher;
        GuildId = guildId;
    }

    public DiscordEmulator Emulator { get; }

    public GatewayClient Gateway { get; }

    public InteractionDispatcher Dispatcher { get; }

    public SignallingVoiceChannelJoiner Joiner { get; }

    public ulong GuildId { get; }

    public long GuildKey => (long)GuildId;

    /// <param name="grains">The cluster the commands use.</param>
    /// <param name="options">Command options (defaults: gateway id "gw-test").</param>
    /// <param name="extraCommands">Commands added to the bot's own, e.g. one that fails on purpose.</param>
    /// <param name="logger">The dispatcher's logger (default: none).</param>
    /// <param name="rateLimiter">Per-user command limits (default: none).</param>
    public static async Task<CommandRig> StartAsync(
        IGrainFactory grains, CommandOptions? options = null, IEnumerable<ISlashCommand>? extraCommands = null, ILogger<InteractionDispatcher>? logger = null,
        CommandRateLimiter? rateLimiter = null)
    {
        var guildId = (ulong)Random.Shared.NextInt64(1, 1L << 40) << 22;
        const ulong everyone = (ulong)(Permissions.ViewChannel | Permissions.SendMessages | Permissions.Connect | Permissions.Speak);
        var emulator = await DiscordEmulator.StartAsync();
        await emulator.AddGuildAsync(new EmulatedGuild(guildId, "Command guild", OwnerId)
            .WithRole(new EmulatedRole(guildId, "@everyone", everyone))
            .WithRole(new EmulatedRole(ManagerRoleId, "Managers", (ulong)Permissions.ManageGuild, 1))
            .WithChannel(new EmulatedChannel(TextChannelId, "general", EmulatedChannel.Text))
            .WithChannel(new EmulatedChannel(VoiceChannelId, "Voice", EmulatedChannel.Voice))
            .WithChannel(new EmulatedChannel(LockedVoiceChannelId, "Locked", EmulatedChannel.Voice,
                [new EmulatedOverwrite(guildId, 0, 0, (ulong)(Permissions.Connect | Permissions.Speak))]))
            .WithMember(new EmulatedMember(AliceId, "alice", []))
            .WithMember(new EmulatedMember(BobId, "bob", []))
            .WithRole(new EmulatedRole(ModeratorRoleId, "Moderators", 0, 2))
            .WithChannel(new EmulatedChannel(OtherVoiceChannelId, "Other voice", EmulatedChannel.Voice))
            .WithChannel(new EmulatedChannel(AnnouncementChannelId, "news", 5))
            .WithChannel(new EmulatedChannel(HiddenTextChannelId, "staff", EmulatedChannel.Text,
                [new EmulatedOverwrite(guildId, 0, 0, (ulong)Permissions.ViewChannel)]))
            .WithMember(new EmulatedMember(ManagerId, "manager", [ManagerRoleId]))
            .WithMember(new EmulatedMember(CarolId, "carol", [ModeratorRoleId]))
            .WithMember(new EmulatedMember(DaveId, "dave", []))
            .WithVoiceState(AliceId, VoiceChannelId)
            .WithVoiceState(ManagerId, LockedVoiceChannelId)
            .WithVoiceState(CarolId, OtherVoiceChannelId)
            .WithVoiceState(DaveId, OtherVoiceChannelId));

        var gateway = new GatewayClient(new GatewayClientOptions { Token = emulator.Options.Token, GatewayUrl = emulator.GatewayUrl });
        var guildSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.GuildCreated += g =>
        {
            if (g.Id == guildId)
            {
                guildSeen.TrySetResult();
            }
        };
        await gateway.StartAsync().WaitAsync(Timeout);
        await guildSeen.Task.WaitAsync(Timeout);

        var http = new HttpClient();
        var rest = new DiscordRestClient(http, new DiscordRestOptions { Token = emulator.Options.Token, ApiBaseUrl = emulator.ApiBaseUrl });
        options ??= new CommandOptions { GatewayId = "gw-test" };
        var joiner = new SignallingVoiceChannelJoiner(VoiceSignalling.For(gateway), options.VoiceJoinTimeout, NullLogger<SignallingVoiceChannelJoiner>.Instance);
        ISlashCommand[] commands =
        [
            new JoinCommand(grains, joiner, options),
            new LeaveCommand(grains, joiner),
            new PersonaCommand(grains),
            new StatusCommand(grains),
            new UsageCommand(grains),
            new SettingsCommand(grains),
            .. extraCommands ?? [],
        ];
        var dispatcher = new InteractionDispatcher(
            rest, gateway.Cache, () => gateway.UserId, commands, options, TimeProvider.System, logger ?? NullLogger<InteractionDispatcher>.Instance,
            rateLimiter);
        dispatcher.Attach(gateway);
        return new CommandRig(emulator, gateway, http, dispatcher, guildId, joiner);
    }

    /// <summary>Runs a command as a user and returns the final text the user sees (direct reply or edited deferral).</summary>
    public async Task<(string Content, IReadOnlyList<InteractionReplyRecord> Replies)> RunAsync(ulong userId, string command, JsonArray? options = null, ulong channelId = TextChannelId)
    {
        var interaction = await Emulator.InvokeCommandAsync(GuildId, channelId, userId, command, options);
        var final = await Emulator.InteractionReplies.WaitForAsync(
            r => r.Token == interaction.Token && (r.Kind == InteractionReplyKind.EditOriginal || r.CallbackType == 4), Timeout);
        IReadOnlyList<InteractionReplyRecord> replies = [.. Emulator.InteractionReplies.Snapshot().Where(r => r.Token == interaction.Token)];
        return (final.Content ?? string.Empty, replies);
    }

    /// <summary>Puts a user in a voice channel (null: out of voice) and waits until this bot's guild cache shows it.</summary>
    public async Task MoveUserAsync(ulong userId, ulong? channelId)
    {
        var changed = new ChangeSignal();
        void OnVoiceState(DiscordVoiceState state) => changed.Notify();
        Gateway.VoiceStateUpdated += OnVoiceState;
        try
        {
            await (channelId is ulong id ? Emulator.UserJoinsVoiceAsync(GuildId, userId, id) : Emulator.UserLeavesVoiceAsync(GuildId, userId));
            await Wait.UntilAsync(
                () => Gateway.Cache.Get(GuildId)?.GetUserVoiceChannel(userId) == channelId, changed, Timeout,
                () => $"user {userId} in voice channel {channelId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        }
        finally
        {
            Gateway.VoiceStateUpdated -= OnVoiceState;
        }
    }

    public static JsonArray Subcommand(string name, params (string Name, string Value)[] options) =>
        Subcommand(name, [.. options.Select(o => (o.Name, 3, (JsonNode?)JsonValue.Create(o.Value)))]);

    /// <summary>A subcommand with typed options: (name, Discord option type, value as Discord sends it).</summary>
    public static JsonArray Subcommand(string name, IEnumerable<(string Name, int Type, JsonNode? Value)> options) =>
    [
        new JsonObject
        {
            ["name"] = name,
            ["type"] = 1,
            ["options"] = new JsonArray([.. options.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["type"] = o.Type, ["value"] = o.Value?.DeepClone() })]),
        },
    ];

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        _http.Dispose();
        await Emulator.DisposeAsync();
    }
}
