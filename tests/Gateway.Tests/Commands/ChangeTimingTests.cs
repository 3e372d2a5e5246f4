using Chorus.Gateway.Commands;
using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Tests.Commands;

/// <summary>What the replies promise about when a change takes effect, by session state and model.</summary>
public sealed class ChangeTimingTests
{
    private static VoiceSessionSnapshot Session(VoiceSessionState state) =>
        new(1, state, state == VoiceSessionState.Idle ? null : 42UL, null, null, null, SessionUsage.Zero, SessionUsage.Zero, null, null, null);

    public static TheoryData<VoiceSessionState, string, string> PersonaCases => new()
    {
        { VoiceSessionState.Idle, "gemini-3.8-live", ChangeTiming.NoSession },
        { VoiceSessionState.Leaving, "gemini-2.5-flash-native-audio-latest", ChangeTiming.NoSession },
        { VoiceSessionState.Active, "gemini-3.8-live", "The current conversation picks it up within seconds." },
        { VoiceSessionState.Reconnecting, "gemini-3.8-live-extended-thinking", "The current conversation picks it up within seconds." },
        { VoiceSessionState.Active, "gemini-2.5-flash-native-audio-latest", "(gemini-2.5-flash-native-audio-latest) cannot change its persona mid-conversation" },
        { VoiceSessionState.Joining, "gemini-3.1-flash-live-preview", "may not remember what was said so far" },
        { VoiceSessionState.Active, "some-future-model", "cannot change its persona mid-conversation" },
    };

    [Theory]
    [MemberData(nameof(PersonaCases))]
    public void A_persona_change_promises_only_what_the_model_in_use_does(VoiceSessionState state, string model, string mentions) =>
        Assert.Contains(mentions, PersonaCommand.PersonaTiming(Session(state), model), StringComparison.Ordinal);

    [Theory]
    [InlineData(VoiceSessionState.Idle, true, ChangeTiming.NoSession)]
    [InlineData(VoiceSessionState.Idle, false, ChangeTiming.NoSession)]
    [InlineData(VoiceSessionState.Active, true, ChangeTiming.Now)]
    [InlineData(VoiceSessionState.Active, false, ChangeTiming.NextSession)]
    public void A_settings_change_says_now_or_next_session(VoiceSessionState state, bool appliesLive, string expected) =>
        Assert.Equal(expected, ChangeTiming.For(Session(state), appliesLive));
}
