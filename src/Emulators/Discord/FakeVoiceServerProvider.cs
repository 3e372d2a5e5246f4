namespace Chorus.Emulators.Discord;

/// <summary>Default provider: a fixed endpoint nobody listens on and a fresh random token per join.</summary>
public sealed class FakeVoiceServerProvider : IVoiceServerProvider
{
    public const string DefaultEndpoint = "127.0.0.1:9";

    public FakeVoiceServerProvider(string endpoint = DefaultEndpoint)
    {
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public VoiceServerAssignment Assign(VoiceJoinRequest request) => new(Endpoint, Guid.NewGuid().ToString("N"));
}
