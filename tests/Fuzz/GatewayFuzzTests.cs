using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Chorus.Diagnostics;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Gateway;
using Chorus.Discord.Voice;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Fuzz;

/// <summary>
/// The JSON of both Discord gateways, fed to the code that reads it off the socket: the main gateway's frame handler
/// (envelope, then every event we deserialize into the guild cache) and the voice gateway's text handler (with a DAVE
/// session behind it for ops 21, 22 and 24). Both promise to count and skip what they cannot use, never to throw.
/// </summary>
public sealed class GatewayFuzzTests
{
    private const string Guild = "1100000000000000001";
    private const string Bot = "1100000000000000002";
    private const string User = "1100000000000000003";
    private const string Voice = "1100000000000000004";
    private const string Text = "1100000000000000005";
    private const string Role = "1100000000000000006";

    internal static readonly string[] MainGatewayFrames =
    [
        """{"op":10,"d":{"heartbeat_interval":41250,"_trace":["gateway-prd-1"]},"s":null,"t":null}""",
        """{"op":11,"d":null,"s":null,"t":null}""",
        """{"op":1,"d":null}""",
        """{"op":7,"d":null,"s":null,"t":null}""",
        """{"op":9,"d":false,"s":null,"t":null}""",
        """{"op":9,"d":true,"s":null,"t":null}""",
        """{"op":0,"s":1,"t":"READY","d":{"v":10,"user":{"id":"{{{Bot}}}","username":"chorus","bot":true},"guilds":[{"id":"{{{Guild}}}","unavailable":true}],"session_id":"0123456789abcdef","resume_gateway_url":"wss://gateway-us-east1-b.discord.gg","shard":[0,1],"application":{"id":"{{{Bot}}}","flags":0}}}""",
        """{"op":0,"s":2,"t":"GUILD_CREATE","d":{"id":"{{{Guild}}}","name":"Test","owner_id":"{{{User}}}","unavailable":false,"roles":[{"id":"{{{Guild}}}","name":"@everyone","permissions":"1049600","position":0},{"id":"{{{Role}}}","name":"DJ","permissions":"3146752","position":1}],"channels":[{"id":"{{{Voice}}}","type":2,"name":"Voice","user_limit":0,"permission_overwrites":[{"id":"{{{Role}}}","type":0,"allow":"1048576","deny":"0"}]},{"id":"{{{Text}}}","type":0,"name":"general","parent_id":null,"permission_overwrites":[]}],"members":[{"user":{"id":"{{{Bot}}}","username":"chorus","bot":true},"roles":[]},{"user":{"id":"{{{User}}}","username":"alice"},"nick":"Al","roles":["{{{Role}}}"]}],"voice_states":[{"user_id":"{{{User}}}","channel_id":"{{{Voice}}}","session_id":"abc","self_mute":false,"self_deaf":false,"mute":false,"deaf":false}]}}""",
        """{"op":0,"s":3,"t":"VOICE_STATE_UPDATE","d":{"guild_id":"{{{Guild}}}","channel_id":"{{{Voice}}}","user_id":"{{{Bot}}}","session_id":"f00dfeed","member":{"user":{"id":"{{{Bot}}}","username":"chorus"},"roles":[]},"self_mute":false,"self_deaf":false,"mute":false,"deaf":false}}""",
        """{"op":0,"s":4,"t":"VOICE_SERVER_UPDATE","d":{"token":"voice-token","guild_id":"{{{Guild}}}","endpoint":"c-ams1-1234.discord.media:443"}}""",
        """{"op":0,"s":5,"t":"INTERACTION_CREATE","d":{"id":"1100000000000000010","application_id":"{{{Bot}}}","type":2,"token":"interaction-token","guild_id":"{{{Guild}}}","channel_id":"{{{Text}}}","app_permissions":"3146752","locale":"en-US","member":{"user":{"id":"{{{User}}}","username":"alice"},"roles":["{{{Role}}}"],"permissions":"3146752"},"data":{"id":"1100000000000000011","name":"persona","type":1,"options":[{"name":"set","type":1,"options":[{"name":"text","type":3,"value":"You are a pirate."}]}],"resolved":{"channels":{"{{{Voice}}}":{"id":"{{{Voice}}}","type":2,"name":"Voice"}}}}}}""",
        """{"op":0,"s":6,"t":"CHANNEL_UPDATE","d":{"id":"{{{Voice}}}","type":2,"guild_id":"{{{Guild}}}","name":"Renamed","permission_overwrites":[{"id":"{{{User}}}","type":1,"allow":"0","deny":"1048576"}]}}""",
        """{"op":0,"s":7,"t":"CHANNEL_DELETE","d":{"id":"{{{Text}}}","type":0,"guild_id":"{{{Guild}}}"}}""",
        """{"op":0,"s":8,"t":"GUILD_ROLE_UPDATE","d":{"guild_id":"{{{Guild}}}","role":{"id":"{{{Role}}}","name":"DJ","permissions":"0","position":2}}}""",
        """{"op":0,"s":9,"t":"GUILD_ROLE_DELETE","d":{"guild_id":"{{{Guild}}}","role_id":"{{{Role}}}"}}""",
        """{"op":0,"s":10,"t":"GUILD_DELETE","d":{"id":"{{{Guild}}}","unavailable":true}}""",
        """{"op":0,"s":11,"t":"RESUMED","d":{}}""",
        """{"op":0,"s":12,"t":"THREAD_LIST_SYNC","d":{"threads":[]}}""",
    ];

    internal static readonly string[] VoiceGatewayMessages =
    [
        """{"op":8,"d":{"heartbeat_interval":13750,"v":8}}""",
        """{"op":6,"d":{"t":1700000000000},"seq":3}""",
        """{"op":5,"d":{"user_id":"{{{User}}}","ssrc":43,"speaking":1},"seq":4}""",
        """{"op":11,"d":{"user_ids":["{{{User}}}","1100000000000000007"]},"seq":5}""",
        """{"op":13,"d":{"user_id":"1100000000000000007"},"seq":6}""",
        """{"op":9,"d":null,"seq":7}""",
        """{"op":4,"d":{"mode":"aead_aes256_gcm_rtpsize","secret_key":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32],"dave_protocol_version":1},"seq":8}""",
        """{"op":21,"d":{"transition_id":3,"protocol_version":1},"seq":9}""",
        """{"op":22,"d":{"transition_id":3},"seq":10}""",
        """{"op":24,"d":{"epoch":1,"protocol_version":1},"seq":11}""",
        """{"op":18,"d":{"user_id":"1","flags":2},"seq":12}""",
        """{"op":20,"d":{"user_id":"1","platform":0},"seq":13}""",
    ];

    [Fact]
    public void Main_gateway_frames()
    {
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        var client = new GatewayClient(new GatewayClientOptions { Token = "fuzz-token", Metrics = metrics });
        using var connection = new GatewayConnection(new ClientWebSocket(), new GatewaySendLimiter(new FakeTimeProvider()), new CancellationTokenSource());
        var report = new Fuzzer
        {
            Target = "discord-gateway-json",
            Seeds = [.. MainGatewayFrames.Select(Expand)],
            Mutate = JsonMutator.Mutate,
            Parse = input =>
            {
                var malformed = totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.Malformed);
                client.ProcessFrame(connection, input);
                // A frame may legitimately ask for a reconnect (op 7, op 9); the connection object is reused here.
                connection.HeartbeatTask = null;
                return totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.Malformed) == malformed ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
            },
            AllocationBound = length => 64 * 1024 + 32L * length,
        }.Run(shortRun: 20_000);
        Assert.True(report.Accepted > 0 && report.Rejected > 0, report.ToString());
    }

    [Fact]
    public void Voice_gateway_text_messages()
    {
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        using var dave = new DaveSession(ulong.Parse(Bot, System.Globalization.CultureInfo.InvariantCulture), 1, metrics: metrics);
        var connection = new VoiceConnection(
            new VoiceServerCredentials("127.0.0.1:1", ulong.Parse(Guild, System.Globalization.CultureInfo.InvariantCulture), 2, "session", "token"),
            new VoiceConnectionOptions { DaveHandler = dave, FrameCryptor = dave, MaxDaveProtocolVersion = 1, Metrics = metrics });
        var report = new Fuzzer
        {
            Target = "voice-gateway-json",
            Seeds = [.. VoiceGatewayMessages.Select(Expand)],
            Mutate = JsonMutator.Mutate,
            // The voice session description and the DAVE ops answer on the socket, which this test does not have:
            // the handler counts that as a malformed message, so the seeds are not all "accepted".
            SeedsMustBeAccepted = false,
            Parse = input =>
            {
                if (IsReady(input))
                {
                    // Op 2 would open UDP to the address inside it: never from a fuzzer.
                    return FuzzOutcome.Skipped;
                }

                var malformed = totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed);
                var handled = connection.HandleTextAsync(input, CancellationToken.None, () => { });
                Assert.True(handled.IsCompleted, "the text handler waited on something");
                handled.GetAwaiter().GetResult();
                return totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed) == malformed ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
            },
            AllocationBound = length => 64 * 1024 + 32L * length,
        }.Run(shortRun: 20_000);
        Assert.True(report.Accepted > 0 && report.Rejected > 0, report.ToString());
    }

    /// <summary>The seeds name ids as {{{Guild}}} and so on (raw literals with JSON braces cannot interpolate cleanly).</summary>
    private static byte[] Expand(string template) => Encoding.UTF8.GetBytes(template
        .Replace("{{{Guild}}}", Guild, StringComparison.Ordinal).Replace("{{{Bot}}}", Bot, StringComparison.Ordinal)
        .Replace("{{{User}}}", User, StringComparison.Ordinal).Replace("{{{Voice}}}", Voice, StringComparison.Ordinal)
        .Replace("{{{Text}}}", Text, StringComparison.Ordinal).Replace("{{{Role}}}", Role, StringComparison.Ordinal));

    private static bool IsReady(byte[] input)
    {
        try
        {
            using var document = JsonDocument.Parse(input);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("op", out var op) && op.ValueKind == JsonValueKind.Number && op.TryGetInt32(out var value) && value == 2;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
