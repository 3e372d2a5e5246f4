using System.Net.WebSockets;
using System.Text;
using Chorus.Emulators.Discord;

namespace Chorus.Discord.Tests.Gateway;

/// <summary>Rules of the real gateway the emulator enforces on any client.</summary>
[EndToEnd]
public sealed class EmulatorFidelityTests
{
    private static readonly TimeSpan Timeout = EmulatorRig.Timeout;

    private static async Task<int?> SendAndReadCloseAsync(DiscordEmulator emulator, IEnumerable<string> frames)
    {
        using var socket = new ClientWebSocket();
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(new Uri(emulator.GatewayUrl + "/?v=10&encoding=json"), cts.Token);
        foreach (var frame in frames)
        {
            if (socket.State != WebSocketState.Open)
            {
                break;
            }

            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, cts.Token);
            }
            catch (WebSocketException)
            {
                break;
            }
        }

        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (int?)socket.CloseStatus;
            }
        }
    }

    [Fact]
    public async Task More_than_120_messages_a_minute_closes_with_4008()
    {
        await using var emulator = await DiscordEmulator.StartAsync();

        var code = await SendAndReadCloseAsync(emulator, Enumerable.Repeat("{\"op\":1,\"d\":null}", 121));

        Assert.Equal(4008, code);
        Assert.Equal(120, emulator.Heartbeats.Count);
    }

    [Theory]
    [InlineData("{\"op\":99,\"d\":null}", 4001)]
    [InlineData("{\"op\":1,", 4002)]
    [InlineData("{\"op\":4,\"d\":{\"guild_id\":\"1\",\"channel_id\":null}}", 4003)]
    public async Task Protocol_violations_close_with_the_documented_code(string frame, int expected)
    {
        await using var emulator = await DiscordEmulator.StartAsync();

        Assert.Equal(expected, await SendAndReadCloseAsync(emulator, [frame]));
    }
}
