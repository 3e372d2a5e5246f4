using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Chorus.Discord.Voice;

namespace Chorus.LoadHarness;

/// <summary>The parent side of <c>--split</c>: this harness started again as <see cref="EmulatorProcess"/>.</summary>
internal sealed class RemoteEmulators : IEmulatorSide
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _child;
    private readonly Dictionary<int, VoiceServerCredentials> _credentials;
    private readonly SemaphoreSlim _asking = new(1, 1);
    private TaskCompletionSource<WireFigures> _wire = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reading = Task.CompletedTask;

    private RemoteEmulators(Process child, Uri gemini, string utterance, Dictionary<int, VoiceServerCredentials> credentials)
    {
        Utterance = utterance;
        _child = child;
        GeminiBaseUri = gemini;
        _credentials = credentials;
    }

    public Uri GeminiBaseUri { get; }

    /// <summary>What the scripted users say (espeak-ng or chirp), as the child reported it.</summary>
    public string Utterance { get; }

    public int ProcessId => _child.Id;

    /// <summary>The voice server's TLS listener (wss), which @discordjs/voice always uses.</summary>
    public string VoiceTlsEndpoint { get; private init; } = "";

    /// <summary>A PEM file with the voice server's self-signed certificate (NODE_EXTRA_CA_CERTS for the Node peer).</summary>
    public string CertificateFile { get; private init; } = "";

    public TimeSpan? SeparateProcessorTime => _child.ProcessorTimeNow();

    public static async Task<RemoteEmulators> StartAsync(IEnumerable<string> harnessArgs)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Started through the dotnet host, the assembly comes first; through the apphost it is the executable.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(RemoteEmulators).Assembly.Location);
        }

        start.ArgumentList.Add("--role");
        start.ArgumentList.Add("emulators");
        foreach (var arg in harnessArgs)
        {
            start.ArgumentList.Add(arg);
        }

        var child = Process.Start(start) ?? throw new InvalidOperationException("The emulator process did not start.");
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            Uri? gemini = null;
            var utterance = "unknown";
            var credentials = new Dictionary<int, VoiceServerCredentials>();
            (string Endpoint, string File) tls = ("", "");
            while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var parts = line.Split(' ');
                if (parts is ["GEMINI", var uri])
                {
                    gemini = new Uri(uri);
                }
                else if (parts is ["VOICETLS", var tlsEndpoint, var certificate])
                {
                    tls = (tlsEndpoint, certificate);
                }
                else if (line.StartsWith("UTTERANCE ", StringComparison.Ordinal))
                {
                    utterance = line["UTTERANCE ".Length..];
                }
                else if (parts is ["CRED", var index, var endpoint, var guild, var user, var session, var token])
                {
                    credentials[int.Parse(index, CultureInfo.InvariantCulture)] = new VoiceServerCredentials(
                        endpoint, ulong.Parse(guild, CultureInfo.InvariantCulture), ulong.Parse(user, CultureInfo.InvariantCulture), session, token);
                }
                else if (parts is ["READY"])
                {
                    break;
                }
            }
            if (gemini is null)
            {
                throw new InvalidOperationException("The emulator process ended before it was ready.");
            }
            var remote = new RemoteEmulators(child, gemini, utterance, credentials) { VoiceTlsEndpoint = tls.Endpoint, CertificateFile = tls.File };
            // Keep reading stdout so the child never blocks on a full pipe, picking out the answers to WIRE.
            remote._reading = remote.ReadAnswersAsync();
            return remote;
        }
        catch
        {
            child.Kill();
            child.Dispose();
            throw;
        }
    }

    public VoiceServerCredentials CredentialsFor(int index) => _credentials[index];

    public async Task MarkWireAsync()
    {
        await _child.StandardInput.WriteLineAsync("MARK");
        await _child.StandardInput.FlushAsync();
    }

    public async Task<WireFigures> WireFiguresAsync()
    {
        await _asking.WaitAsync();
        try
        {
            _wire = new TaskCompletionSource<WireFigures>(TaskCreationOptions.RunContinuationsAsynchronously);
            await _child.StandardInput.WriteLineAsync("WIRE");
            await _child.StandardInput.FlushAsync();
            return await _wire.Task.WaitAsync(StartTimeout);
        }
        finally
        {
            _asking.Release();
        }
    }

    private async Task ReadAnswersAsync()
    {
        try
        {
            while (await _child.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("WIRE ", StringComparison.Ordinal))
                {
                    var figures = JsonSerializer.Deserialize(line["WIRE ".Length..], WireFiguresJson.Default.WireFigures);
                    if (figures is not null)
                    {
                        _wire.TrySetResult(figures);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or JsonException)
        {
            _wire.TrySetException(ex);
        }
        _wire.TrySetException(new InvalidOperationException("The emulator process closed its output."));
    }

    public async Task StartTalkingAsync(IReadOnlyList<int> indexes)
    {
        await _child.StandardInput.WriteLineAsync("GO " + string.Join(',', indexes.Select(i => i.ToString(CultureInfo.InvariantCulture))));
        await _child.StandardInput.FlushAsync();
    }

    public async Task StopTalkingAsync()
    {
        if (_child.HasExited)
        {
            return;
        }

        try
        {
            await _child.StandardInput.WriteLineAsync("STOP");
            await _child.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopTalkingAsync();
        try
        {
            _child.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child has gone already; throwing here would hide the failure that the caller is unwinding from.
        }

        try
        {
            await _child.WaitForExitAsync().WaitAsync(ExitTimeout);
            if (_child.ExitCode != 0)
            {
                Console.Error.WriteLine($"Emulator process {_child.Id} exited with code {_child.ExitCode}.");
            }
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"Emulator process {_child.Id} did not exit; killing it.");
            _child.Kill();
        }
        await _reading;
        _child.Dispose();
        _asking.Dispose();
    }
}
