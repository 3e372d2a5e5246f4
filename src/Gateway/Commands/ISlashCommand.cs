namespace Chorus.Gateway.Commands;

public interface ISlashCommand
{
    string Name { get; }

    /// <summary>True when the work always takes seconds (joining voice): defer at once instead of racing the timer.</summary>
    bool DefersImmediately { get; }

    Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken);
}
