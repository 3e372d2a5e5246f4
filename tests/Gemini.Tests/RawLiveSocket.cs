using System.Net.WebSockets;
using System.Text;
using Chorus.Emulators.Gemini;

namespace Chorus.Gemini.Tests;

/// <summary>A bare WebSocket to the Live emulator, for tests that send what our client never would.</summary>
internal static class RawLiveSocket
{
    public static async Task<ClientWebSocket> ConnectAsync(GeminiLiveEmulator emulator)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("x-goog-api-key", EmulatorFixture.Key);
        await socket.ConnectAsync(GeminiLiveEndpoint.For(emulator.BaseUri, "v1beta"), CancellationToken.None);
        return socket;
    }

    public static Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next whole message (or the close), within 5 s.</summary>
    public static async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[64 * 1024];
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            count += result.Count;
            if (result.EndOfMessage)
            {
                return (result.MessageType, Encoding.UTF8.GetString(buffer, 0, count));
            }
        }
    }
}
