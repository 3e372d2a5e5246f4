namespace Chorus.TestSupport;

/// <summary>
/// A change notification to wait on: whoever changes state a test watches calls <see cref="Notify"/>, and a waiter
/// awaits <see cref="Next"/>, which completes at the first notification after it was read.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>Completes at the next <see cref="Notify"/>. Read it before checking the state it guards, so a change
    /// between the check and the wait is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
