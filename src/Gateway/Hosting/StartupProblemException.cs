namespace Chorus.Gateway.Hosting;

/// <summary>
/// A start that failed because of something the operator can fix, found while the host starts (a port in use): its
/// message is the one line to print before exiting with <see cref="StartupCheck.ExitCode"/>.
/// </summary>
public sealed class StartupProblemException : Exception
{
    public StartupProblemException(string message)
        : base(message)
    {
    }

    public StartupProblemException()
    {
    }

    public StartupProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
