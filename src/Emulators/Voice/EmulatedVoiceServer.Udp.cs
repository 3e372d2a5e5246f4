using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chorus.Emulators.Voice;

// The SFU: IP discovery, keepalives ignored, decrypt with the sender's key and re-encrypt for every other member.
public sealed partial class EmulatedVoiceServer
{
    private async Task UdpLoopAsync()
    {
        var buffer = new byte[4096];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            Interlocked.Increment(ref Counters._datagrams);
            var remote = (IPEndPoint)received.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, received.ReceivedBytes);
            if (datagram.Length <= 8)
            {
                Interlocked.Increment(ref Counters._keepalives);
                continue;
            }
            if (datagram.Length == 74 && BinaryPrimitives.ReadUInt16BigEndian(datagram) == 1)
            {
                AnswerDiscovery(datagram, remote);
                continue;
            }
            RelayFromNetwork(datagram, remote);
        }
    }

    private void AnswerDiscovery(ReadOnlySpan<byte> request, IPEndPoint remote)
    {
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(request[4..]);
        var response = new byte[74];
        BinaryPrimitives.WriteUInt16BigEndian(response, 2);
        BinaryPrimitives.WriteUInt16BigEndian(response.AsSpan(2), 70);
        BinaryPrimitives.WriteUInt32BigEndian(response.AsSpan(4), ssrc);
        Encoding.ASCII.GetBytes(remote.Address.ToString(), response.AsSpan(8, 63));
        BinaryPrimitives.WriteUInt16BigEndian(response.AsSpan(72), (ushort)remote.Port);
        Interlocked.Increment(ref Counters._discoveries);
        SendTo(response, remote);
    }

    private void RelayFromNetwork(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        if (datagram.Length < 12)
        {
            Interlocked.Increment(ref Counters._dropped);
            return;
        }
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]);
        EmulatedVoiceParticipant? sender;
        byte[]? opus = null;
        ushort sequence = 0;
        uint timestamp = 0;
        lock (_gate)
        {
            // Under the lock: the same participant's cipher also seals what is relayed to it, from other threads.
            _bySsrc.TryGetValue(ssrc, out sender);
            if (sender?.Crypto is { } crypto)
            {
                opus = crypto.Open(datagram, out sequence, out timestamp, out _);
            }
        }
        if (sender is null)
        {
            Interlocked.Increment(ref Counters._dropped);
            return;
        }
        if (opus is null)
        {
            Interlocked.Increment(ref Counters._dropped);
            return;
        }
        Interlocked.Increment(ref Counters._relayedIn);
        if (opus.Length >= 2 && opus[^1] == 0xFA && opus[^2] == 0xFA)
        {
            Interlocked.Increment(ref Counters._daveFramesRelayed);
        }

        Relay(sender, sequence, timestamp, opus);
    }

    /// <summary>Forwards one Opus frame from <paramref name="sender"/> to everyone else in its guild.</summary>
    internal void Relay(EmulatedVoiceParticipant sender, ushort sequence, uint timestamp, byte[] opus)
    {
        foreach (var receiver in Others(sender))
        {
            if (receiver.Scripted is { } scripted)
            {
                scripted.OnHeard(sender.UserId, sequence, opus);
                continue;
            }
            byte[] packet;
            IPEndPoint? endpoint;
            lock (_gate)
            {
                var crypto = receiver.Crypto;
                endpoint = receiver.UdpEndpoint;
                if (crypto is null || endpoint is null)
                {
                    continue;
                }

                receiver.RelayedCount++;
                var pad = Options.PadEveryNthPacket > 0 && receiver.RelayedCount % Options.PadEveryNthPacket == 0 ? 4 : 0;
                packet = Pad(crypto, sequence, timestamp, sender.Ssrc, opus, receiver.NonceCounter++, pad);
            }
            Interlocked.Increment(ref Counters._relayedOut);
            SendTo(packet, endpoint);
        }
    }

    private byte[] Pad(EmulatedRtpCrypto crypto, ushort sequence, uint timestamp, uint ssrc, byte[] opus, uint counter, int pad)
    {
        if (pad == 0)
        {
            return crypto.Seal(sequence, timestamp, ssrc, opus, counter, Options.AddHeaderExtension);
        }

        var padded = new byte[opus.Length + pad];
        opus.CopyTo(padded, 0);
        padded[^1] = (byte)pad;
        var first = (byte)((Options.AddHeaderExtension ? 0x90 : 0x80) | 0x20);
        return crypto.SealWithFirstByte(first, sequence, timestamp, ssrc, padded, counter, Options.AddHeaderExtension);
    }

    /// <summary>Sends raw bytes from the server's UDP port to a user's socket (to feed clients hostile datagrams).</summary>
    public bool InjectDatagram(ulong guildId, ulong userId, byte[] datagram)
    {
        IPEndPoint? endpoint;
        lock (_gate)
        {
            endpoint = _participants.TryGetValue((guildId, userId), out var p) ? p.UdpEndpoint : null;
        }

        if (endpoint is null)
        {
            return false;
        }

        SendTo(datagram, endpoint);
        return true;
    }

    /// <summary>Seals <paramref name="opus"/> with the user's own session key, as if relayed from <paramref name="fromSsrc"/>.</summary>
    public byte[]? SealFor(ulong guildId, ulong userId, uint fromSsrc, ushort sequence, uint timestamp, byte[] opus)
    {
        lock (_gate)
        {
            if (!_participants.TryGetValue((guildId, userId), out var p) || p.Crypto is null)
            {
                return null;
            }

            return p.Crypto.Seal(sequence, timestamp, fromSsrc, opus, p.NonceCounter++, Options.AddHeaderExtension);
        }
    }

    private void SendTo(byte[] datagram, IPEndPoint remote)
    {
        try
        {
            _udp.SendTo(datagram, SocketFlags.None, remote);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
