namespace Chorus.Interop.Voice;

/// <summary>What the reference client (davey) reported when a DAVE transition executed.</summary>
internal sealed record NodeDaveTransition(int TransitionId, ulong Epoch, string? PrivacyCode, IReadOnlyList<ulong> Members);
