using System.Globalization;
using System.Text.Json;

namespace Chorus.LoadHarness;

/// <summary>
/// The child side of <c>--split</c>: runs the emulators and scripted users, so the parent process holds
/// nothing but the bots and its CPU and memory are the gateway's own. Line protocol: stdout gives
/// <c>GEMINI uri</c>, <c>UTTERANCE source</c>, <c>VOICETLS endpoint certificate-file</c>, one <c>CRED index endpoint guild user session token</c> per conversation, then
/// <c>READY</c>; stdin takes <c>GO i,j,...</c>, <c>MARK</c> (open the wire figures' window), <c>WIRE</c> (answered by
/// <c>WIRE json</c>) and <c>STOP</c> (or end of input).
/// </summary>
internal static class EmulatorProcess
{
    public static async Task<int> RunAsync(LoadHarnessOptions options)
    {
        var (utterance, source) = Utterance.Create(options.UtteranceSeconds, options.Chirp);
        Console.Error.WriteLine($"Emulator process: utterance {source}, {options.Conversations} guilds");
        await using var emulators = await InProcessEmulators.StartAsync(utterance, options);
        var output = Console.Out;
        await output.WriteLineAsync($"GEMINI {emulators.GeminiBaseUri}");
        await output.WriteLineAsync($"UTTERANCE {source}");
        var certificate = Path.Combine(Path.GetTempPath(), $"chorus-voice-{Environment.ProcessId}.pem");
        await File.WriteAllTextAsync(certificate, emulators.CertificatePem);
        await output.WriteLineAsync($"VOICETLS {emulators.VoiceTlsEndpoint} {certificate}");
        for (var i = 0; i < options.Conversations; i++)
        {
            var c = emulators.CredentialsFor(i);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"CRED {i} {c.Endpoint} {c.GuildId} {c.UserId} {c.SessionId} {c.Token}"));
        }
        await output.WriteLineAsync("READY");
        await output.FlushAsync();

        // Bounded even if the parent never says STOP: its whole run plus generous set-up time.
        using var lifetime = new CancellationTokenSource(TimeSpan.FromSeconds(options.WarmupSeconds + options.Seconds + 120 + options.Conversations));
        try
        {
            while (await Console.In.ReadLineAsync(lifetime.Token) is { } line)
            {
                if (line.StartsWith("GO", StringComparison.Ordinal))
                {
                    var indexes = line[2..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToList();
                    await emulators.StartTalkingAsync(indexes);
                }
                else if (line == "MARK")
                {
                    await emulators.MarkWireAsync();
                }
                else if (line == "WIRE")
                {
                    var figures = JsonSerializer.Serialize(await emulators.WireFiguresAsync(), WireFiguresJson.Default.WireFigures);
                    await output.WriteLineAsync("WIRE " + figures);
                    await output.FlushAsync();
                }
                else if (line == "STOP")
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Emulator process: no STOP in time, closing.");
        }
        await emulators.StopTalkingAsync();
        File.Delete(certificate);
        return 0;
    }
}
