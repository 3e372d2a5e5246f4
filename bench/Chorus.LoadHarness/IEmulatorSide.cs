using Chorus.Discord.Voice;

namespace Chorus.LoadHarness;

/// <summary>The emulated Discord voice server, Gemini Live emulator and scripted users, in this process or another.</summary>
internal interface IEmulatorSide : IAsyncDisposable
{
    Uri GeminiBaseUri { get; }

    /// <summary>The bot's credentials for guild <paramref name="index"/>.</summary>
    VoiceServerCredentials CredentialsFor(int index);

    /// <summary>Adds the scripted users of the given (connected) guilds and starts them talking.</summary>
    Task StartTalkingAsync(IReadOnlyList<int> indexes);

    Task StopTalkingAsync();

    /// <summary>Opens the measuring window of the figures taken at the voice server (<see cref="WireMeter"/>).</summary>
    Task MarkWireAsync();

    /// <summary>The bots' figures at the voice server since <see cref="MarkWireAsync"/>.</summary>
    Task<WireFigures> WireFiguresAsync();

    /// <summary>CPU time of the emulators' own process (null when they share this one).</summary>
    TimeSpan? SeparateProcessorTime { get; }
}
