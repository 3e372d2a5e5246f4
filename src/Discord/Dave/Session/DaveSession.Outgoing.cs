using System.Globalization;
using System.Text;
using Chorus.Discord.Voice.Gateway;

namespace Chorus.Discord.Dave.Session;

public sealed partial class DaveSession
{
    /// <summary>A reply or notification produced under the lock and delivered after it is released.</summary>
    private readonly record struct Outgoing(int Opcode, bool IsJson, byte[]? Payload, bool? Ready)
    {
        public static Outgoing Json(int opcode, byte[] data) => new(opcode, true, data, null);

        public static Outgoing Binary(int opcode, byte[] payload) => new(opcode, false, payload, null);

        public static Outgoing ReadinessChange(bool ready) => new(0, false, null, ready);

        public static Outgoing TransitionJson(int opcode, ushort transitionId) =>
            Json(opcode, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"transition_id\":{transitionId}}}")));
    }

    private void Deliver(List<Outgoing> replies, IVoiceGatewaySender? sender)
    {
        Changed?.Invoke();
        if (replies.Count == 0)
        {
            return;
        }

        foreach (var reply in replies)
        {
            if (reply.Ready is { } ready)
            {
                ReadyToSendChanged?.Invoke(ready);
            }
        }

        if (sender is null)
        {
            return;
        }

        var messages = replies.Where(r => r.Payload is not null).ToList();
        if (messages.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _sends = SendInOrderAsync(_sends, messages, sender);
        }
    }

    // Replies must reach the gateway in protocol order (op 31 before the new op 26), so each batch waits for the previous one.
    private async Task SendInOrderAsync(Task previous, List<Outgoing> messages, IVoiceGatewaySender sender)
    {
        await previous.ConfigureAwait(false);
        foreach (var message in messages)
        {
            try
            {
                if (message.IsJson)
                {
                    await sender.SendJsonAsync(message.Opcode, message.Payload).ConfigureAwait(false);
                }
                else
                {
                    await sender.SendBinaryAsync((byte)message.Opcode, message.Payload).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // A closing socket costs this reply, never the session; the gateway resends state on reconnect.
            catch (Exception error)
#pragma warning restore CA1031
            {
                _metrics.DaveSendFailures.Add(1);
                LogSendFailed(_logger, message.Opcode, error.GetType().Name);
            }
        }
    }
}
