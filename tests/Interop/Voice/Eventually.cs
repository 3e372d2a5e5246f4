namespace Chorus.Interop.Voice;

/// <summary>
/// Bounded polling for state that raises no event (our DaveSession's epoch, the emulator's gateway roster): checks
/// every 20 ms and fails with a description after <see cref="InteropVoiceCall.Timeout"/>.
/// </summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, Func<string> describe) =>
        TrueAsync(() => Task.FromResult(condition()), describe);

    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> describe)
    {
        using var cts = new CancellationTokenSource(InteropVoiceCall.Timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for {describe()}");
            }
        }
    }
}
