namespace Chorus.TraceBreakdown;

/// <summary>
/// Where a CPU sample's time goes. A sample belongs to the first category, in this order, that any frame of its
/// stack matches: the specific work (a codec call, a cipher) wins over the code that called it (the send path, the
/// pacing clock, the thread pool), so the categories partition the samples and their shares add up to 100 %.
/// </summary>
internal static class Categories
{
    public const string Other = "runtime, other";

    private const string InlinedEncoderCaller = "Chorus.Discord.Voice.Send.VoiceSender.SendDue(";

    public static readonly IReadOnlyList<(string Name, string[] Frames)> Ordered =
    [
        ("Opus codec (Concentus + libopus)", ["Concentus", "Chorus.Discord.Voice.Opus.OpusFrameEncoder", "Chorus.Discord.Voice.Opus.OpusFrameDecoder"]),
        ("DAVE frame encrypt/decrypt", ["Chorus.Discord.Dave.", "Chorus.Mls."]),
        ("transport crypto (AEAD)", ["Chorus.Discord.Voice.Encryption", "System.Security.Cryptography", "Interop+Crypto", "Interop+BCrypt"]),
        ("socket syscalls (send, receive)", ["System.Net.Sockets.SocketPal.TryComplete", "Interop+Sys.Send", "Interop+Sys.Receive", "Interop+Sys.Write", "Interop+Sys.Read", "Interop+Sys.TryChangeSocketEventRegistration"]),
        ("Gemini JSON + base64", ["System.Text.Json", "System.Buffers.Text.Base64", "System.Convert.", "Chorus.Gemini.Wire"]),
        ("jitter buffer", ["Chorus.Discord.Voice.Receive.JitterBuffer"]),
        ("resampling", ["Resampl"]),
        ("bridge: mixer, gate, latency", ["Chorus.Gateway."]),
        ("send path (playout, RTP, events)", ["Chorus.Discord.Voice.Send.VoiceSender", "Chorus.Discord.Voice.Send.PlayoutBuffer", "Chorus.Discord.Voice.Rtp", "Chorus.Discord.Voice.Udp"]),
        ("receive path (RTP parse, dispatch)", ["Chorus.Discord.Voice.Receive"]),
        ("Gemini client (session, backlog)", ["Chorus.Gemini."]),
        ("WebSocket framing", ["System.Net.WebSockets"]),
        ("Discord voice, other", ["Chorus.Discord."]),
        ("timers + pacing clock", ["Chorus.Discord.Voice.Send.Pacing", "Chorus.Discord.Voice.Send.VoicePacingClock", "System.Threading.TimerQueue", "System.Threading.PeriodicTimer", "System.Threading.EventWaitHandle.Set", "System.Threading.TimerQueueTimer"]),
        ("socket readiness dispatch (epoll)", ["System.Net.Sockets"]),
        ("metrics", ["System.Diagnostics.Metrics", "OpenTelemetry"]),
        ("Orleans", ["Orleans."]),
        ("load harness itself", ["Chorus.LoadHarness"]),
        ("thread pool + async machinery", ["System.Threading.", "System.Runtime.CompilerServices.Async"]),
    ];

    /// <summary>
    /// Innermost managed frames of a thread in native code that is working there (a codec, a cipher, a socket call, a
    /// wake-up) rather than blocked. EventPipe samples every managed thread, blocked or not, and tells only "managed" or
    /// "external" apart; an external sample whose innermost managed frame is none of these is a wait.
    /// </summary>
    public static readonly string[] NativeWork =
    [
        "Concentus", "Chorus.Discord.Voice.Opus", "Chorus.Discord.Dave", "Chorus.Discord.Voice.Encryption", "Chorus.Discord.Voice.Udp", "Interop+Crypto", "System.Security.Cryptography", "Interop+Sys.Send", "Interop+Sys.Receive",
        "Interop+Sys.Write", "Interop+Sys.Read(", "Interop+Kernel32.SetEvent", "Interop+Kernel32.ReleaseSemaphore", "System.Net.Sockets.SocketPal",
        "System.Buffer", "System.SpanHelpers", "System.Text", "System.Buffers", "System.Diagnostics.Stopwatch",
    ];

    public static string Classify(IReadOnlyList<string> stack)
    {
        // With tiered PGO the JIT inlines Concentus' encoder wrapper and its P/Invoke into VoiceSender.SendDue, which
        // then shows as the innermost frame of samples taken inside libopus' encoder; SendDue's own code is a few
        // branches and copies, so such samples are the codec's.
        if (stack.Count > 0 && stack[0].StartsWith(InlinedEncoderCaller, StringComparison.Ordinal))
        {
            return Ordered[0].Name;
        }

        foreach (var (name, frames) in Ordered)
        {
            foreach (var frame in stack)
            {
                foreach (var pattern in frames)
                {
                    if (frame.Contains(pattern, StringComparison.Ordinal))
                    {
                        return name;
                    }
                }
            }
        }
        return Other;
    }

    /// <summary>Whether a sample is CPU time: running managed code, or working in native code on behalf of one.</summary>
    public static bool IsRunning(ThreadSample sample) =>
        sample.Frames.Count > 0
        && (sample.InManagedCode || NativeWork.Any(w => sample.Frames[0].Contains(w, StringComparison.Ordinal)));
}
