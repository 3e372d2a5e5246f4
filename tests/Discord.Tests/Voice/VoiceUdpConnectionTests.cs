using System.Net;
using System.Net.Sockets;
using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Udp;

namespace Chorus.Discord.Tests.Voice;

/// <summary>The voice UDP socket on loopback: discovery, the receive thread, socket errors and shutdown.</summary>
public sealed class VoiceUdpConnectionTests
{
    private const uint Ssrc = 4242;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Discovery_is_answered_and_datagrams_reach_the_receiver()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        await using var connection = new VoiceUdpConnection((IPEndPoint)server.LocalEndPoint!);

        var answered = AnswerDiscoveryAsync(server);
        var (address, port) = await Wait.ForAsync(connection.DiscoverAsync(Ssrc, TimeSpan.FromSeconds(2), CancellationToken.None), Timeout, "discovery");
        var client = await answered;
        Assert.Equal(("198.51.100.7", (ushort)50123), (address, port));

        connection.Start(new VoiceReceiver(metrics: metrics), keepaliveInterval: TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
        {
            await server.SendToAsync(new byte[8], SocketFlags.None, client);
        }

        await UntilAsync(() => totals.Total(DiscordMetrics.KeepalivesReceivedName) == 3, "three datagrams received");
    }

    [Fact]
    public async Task Discovery_without_an_answer_gives_up_after_three_tries()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var connection = new VoiceUdpConnection((IPEndPoint)server.LocalEndPoint!);

        await Assert.ThrowsAsync<TimeoutException>(() => connection.DiscoverAsync(Ssrc, TimeSpan.FromMilliseconds(100), CancellationToken.None));

        var requests = 0;
        var buffer = new byte[IpDiscovery.Length];
        while (server.Available > 0)
        {
            server.Receive(buffer);
            requests++;
        }

        Assert.Equal(3, requests);
    }

    [Fact]
    public async Task A_socket_error_is_counted_and_the_receive_thread_goes_on()
    {
        var serverEndPoint = new IPEndPoint(IPAddress.Loopback, 0);
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(serverEndPoint);
        serverEndPoint = (IPEndPoint)server.LocalEndPoint!;
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        await using var connection = new VoiceUdpConnection(serverEndPoint);
        connection.Start(new VoiceReceiver(metrics: metrics), keepaliveInterval: TimeSpan.FromHours(1));

        // Nobody listens any more: the send draws an ICMP port unreachable, which the connected socket's receive reports.
        server.Dispose();
        await UntilAsync(
            () =>
            {
                connection.Send(new byte[8]);
                return connection.SocketErrors > 0;
            },
            "the ICMP error reported to the receive loop");

        using var revived = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        revived.Bind(serverEndPoint);
        await revived.SendToAsync(new byte[8], SocketFlags.None, new IPEndPoint(IPAddress.Loopback, connection.LocalEndPoint.Port));

        await UntilAsync(() => totals.Total(DiscordMetrics.KeepalivesReceivedName) >= 1, "a datagram received after the error");
    }

    [Fact]
    public async Task Disposing_ends_a_receive_blocked_in_the_kernel()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var connection = new VoiceUdpConnection((IPEndPoint)server.LocalEndPoint!);
        connection.Start(new VoiceReceiver(), keepaliveInterval: TimeSpan.FromHours(1));

        await Wait.ForAsync(connection.DisposeAsync().AsTask(), Timeout, "dispose with the receive thread blocked");

        Assert.False(connection.Send(new byte[8]));
    }

    private static async Task<EndPoint> AnswerDiscoveryAsync(Socket server)
    {
        var buffer = new byte[IpDiscovery.Length];
        var received = await server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
        Assert.True(IpDiscovery.IsRequest(buffer.AsSpan(0, received.ReceivedBytes), out var ssrc));
        var response = new byte[IpDiscovery.Length];
        IpDiscovery.WriteResponse(response, ssrc, "198.51.100.7", 50123);
        await server.SendToAsync(response, SocketFlags.None, received.RemoteEndPoint);
        return received.RemoteEndPoint;
    }

    /// <summary>Polls a condition until it holds, failing after <see cref="Timeout"/>.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}");
            await Task.Delay(10);
        }
    }
}
