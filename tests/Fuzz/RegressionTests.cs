using System.Net.WebSockets;
using System.Text;
using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Gateway;
using Chorus.Discord.Models;
using Chorus.Discord.Voice;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Fuzz;

/// <summary>Each input the fuzzers found escaping, kept as a plain test of its fix.</summary>
public sealed class RegressionTests : IDisposable
{
    private readonly DiscordMetrics _metrics = new();
    private readonly MeterTotals _totals;

    public RegressionTests() => _totals = new MeterTotals(_metrics.Meter);

    public void Dispose() => _totals.Dispose();

    [Theory]
    [InlineData("""{"op":"5","d":{}}""")]
    [InlineData("""{"op":{"op":8},"d":{}}""")]
    [InlineData("""{"op":[],"d":{}}""")]
    public async Task Voice_gateway_op_that_is_not_a_number_is_counted(string message)
    {
        var connection = VoiceConnection();
        await connection.HandleTextAsync(Encoding.UTF8.GetBytes(message), CancellationToken.None, () => { });
        Assert.Equal(1, _totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed));
    }

    [Fact]
    public async Task Voice_gateway_seq_that_is_not_a_number_is_ignored()
    {
        var connection = VoiceConnection();
        await connection.HandleTextAsync("""{"op":6,"d":{"t":1},"seq":[]}"""u8.ToArray(), CancellationToken.None, () => { });
        Assert.Equal(0, _totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed));
    }

    [Theory]
    [InlineData("""{"op":5,"d":{"ssrc":43,"speaking":1}}""")]
    [InlineData("""{"op":13,"d":{"USER_ID":"1"}}""")]
    public async Task Voice_gateway_message_missing_its_user_id_is_counted(string message)
    {
        var connection = VoiceConnection();
        await connection.HandleTextAsync(Encoding.UTF8.GetBytes(message), CancellationToken.None, () => { });
        Assert.Equal(1, _totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed));
    }

    [Fact]
    public async Task Voice_session_description_with_an_unsupported_mode_is_counted()
    {
        var connection = VoiceConnection();
        var key = string.Join(',', Enumerable.Range(1, 32));
        var message = """{"op":4,"d":{"mode":"xsalsa20_poly1305","secret_key":[KEY]}}""".Replace("KEY", key, StringComparison.Ordinal);
        await connection.HandleTextAsync(Encoding.UTF8.GetBytes(message), CancellationToken.None, () => { });
        Assert.Equal(1, _totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed));
    }

    [Fact]
    public void Main_gateway_envelope_nested_in_op_is_not_dispatched()
    {
        var (client, connection) = GatewayClient();
        var readies = 0;
        client.Ready += _ => readies++;
        var frame = """{"op":{"op":0,"s":1,"t":"READY","d":{"v":10,"user":{"id":"2"},"guilds":[],"session_id":"s","resume_gateway_url":"wss://x"}}}""";

        client.ProcessFrame(connection, Encoding.UTF8.GetBytes(frame));

        Assert.Equal(0, readies);
        Assert.Equal(1, _totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.UnknownOpcode));
    }

    [Theory]
    [InlineData("""{"id":"1","roles":[null]}""")]
    [InlineData("""{"id":"1","channels":[{"id":"2","type":2,"permission_overwrites":[null]}]}""")]
    [InlineData("""{"id":"1","voice_states":[null]}""")]
    [InlineData("""{"id":"1","members":[null]}""")]
    public void Main_gateway_guild_with_a_null_list_element_is_counted(string guild)
    {
        var (client, connection) = GatewayClient();

        client.ProcessFrame(connection, Encoding.UTF8.GetBytes("""{"op":0,"s":1,"t":"GUILD_CREATE","d":PAYLOAD}""".Replace("PAYLOAD", guild, StringComparison.Ordinal)));

        Assert.Equal(1, _totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.Malformed));
        Assert.Null(client.Cache.Get(1));
    }

    [Theory]
    [InlineData("READY", """{"v":10,"user":null,"guilds":[],"session_id":"s","resume_gateway_url":"wss://x"}""")]
    [InlineData("READY", """{"v":10,"user":{"id":"2"},"guilds":[],"resume_gateway_url":"wss://x"}""")]
    [InlineData("VOICE_SERVER_UPDATE", """{"guild_id":"1","endpoint":"x:443"}""")]
    [InlineData("GUILD_ROLE_UPDATE", """{"guild_id":"1","role":null}""")]
    [InlineData("INTERACTION_CREATE", """{"id":"5","application_id":"6","type":2,"data":{"name":"join"}}""")]
    [InlineData("INTERACTION_CREATE", """{"id":"5","application_id":"6","type":2,"token":"t","data":{"name":"persona","options":[{"type":1}]}}""")]
    public void Main_gateway_event_with_null_in_a_member_that_is_never_null_is_counted(string eventName, string data)
    {
        var (client, connection) = GatewayClient();
        var raised = 0;
        client.Ready += _ => raised++;
        client.VoiceServerUpdated += _ => raised++;
        client.InteractionCreated += _ => raised++;

        client.ProcessFrame(connection, Encoding.UTF8.GetBytes("""{"op":0,"s":1,"t":"EVENT","d":PAYLOAD}""".Replace("EVENT", eventName, StringComparison.Ordinal).Replace("PAYLOAD", data, StringComparison.Ordinal)));

        Assert.Equal(1, _totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.Malformed));
        Assert.Equal(0, raised);
    }

    [Fact]
    public void Main_gateway_lists_absent_from_the_json_are_empty_not_null()
    {
        var (client, connection) = GatewayClient();
        Interaction? interaction = null;
        client.InteractionCreated += i => interaction = i;

        client.ProcessFrame(connection, """{"op":0,"s":1,"t":"GUILD_CREATE","d":{"id":"1","voice_states":[{"user_id":"3","channel_id":"4","member":{"user":{"id":"3"}}}]}}"""u8);
        client.ProcessFrame(connection, """{"op":0,"s":2,"t":"INTERACTION_CREATE","d":{"id":"5","application_id":"6","type":2,"token":"t","member":{"user":{"id":"3"}},"data":{"name":"persona","options":[{"name":"set","type":1}]}}}"""u8);

        Assert.Equal(0, _totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.Malformed));
        Assert.Equal(4ul, client.Cache.Get(1)!.GetUserVoiceChannel(3));
        Assert.NotNull(interaction);
        Assert.Empty(interaction.Data!.Options[0].Options);
        Assert.Empty(interaction.Member!.Roles);
    }

    private VoiceConnection VoiceConnection() =>
        new(new VoiceServerCredentials("127.0.0.1:1", 1, 2, "session", "token"), new VoiceConnectionOptions { Metrics = _metrics });

    private (GatewayClient Client, GatewayConnection Connection) GatewayClient() =>
        (new GatewayClient(new GatewayClientOptions { Token = "regression-token", Metrics = _metrics }),
            new GatewayConnection(new ClientWebSocket(), new GatewaySendLimiter(new FakeTimeProvider()), new CancellationTokenSource()));
}
