using System.Reflection;
using Chorus.Grains;

namespace Chorus.Silo.Hosting;

/// <summary>
/// Replaces an exception that leaves a grain call with one the caller can deserialize. A gateway process has no storage
/// provider assemblies: a Redis write that failed during a Redis restart reached it as a RedisStorageException that it
/// could not load, the response was dropped, and the caller waited out Orleans' 30 s response timeout instead of
/// failing at once. Exceptions of the runtime, of Orleans' client-side assemblies and of the grain interfaces pass as
/// they are.
/// </summary>
public sealed partial class ClientReadableExceptionFilter(ILogger<ClientReadableExceptionFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly HashSet<string> ClientAssemblies = new(StringComparer.Ordinal)
    {
        typeof(object).Assembly.GetName().Name!,
        typeof(IGrain).Assembly.GetName().Name!,
        typeof(GrainId).Assembly.GetName().Name!,
        typeof(Orleans.Serialization.Serializer).Assembly.GetName().Name!,
        typeof(Orleans.Storage.InconsistentStateException).Assembly.GetName().Name!,
        typeof(Orleans.GenerateSerializerAttribute).Assembly.GetName().Name!,
        typeof(GrainOperationFailedException).Assembly.GetName().Name!,
    };

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (!IsClientReadable(ex))
        {
            var method = $"{context.InterfaceName}.{context.MethodName}";
            var failureType = FirstUnreadable(ex).GetType().FullName ?? "";
            LogReplaced(logger, ex, method);
            throw new GrainOperationFailedException($"{method} failed on the silo with {failureType}; the silo's log has the details.")
            {
                FailureType = failureType,
            };
        }
    }

    /// <summary>Whether the exception and every exception inside it come from an assembly every client process loads.</summary>
    public static bool IsClientReadable(Exception ex)
    {
        if (!IsClientAssembly(ex.GetType().Assembly))
        {
            return false;
        }

        if (ex is AggregateException aggregate)
        {
            return aggregate.InnerExceptions.All(IsClientReadable);
        }

        return ex.InnerException is null || IsClientReadable(ex.InnerException);
    }

    /// <summary>The exception in the chain that a client could not read: Orleans wraps a storage provider's in its own.</summary>
    private static Exception FirstUnreadable(Exception ex)
    {
        if (!IsClientAssembly(ex.GetType().Assembly))
        {
            return ex;
        }

        var inner = ex is AggregateException aggregate
            ? aggregate.InnerExceptions.FirstOrDefault(e => !IsClientReadable(e))
            : ex.InnerException;
        return inner is null ? ex : FirstUnreadable(inner);
    }

    private static bool IsClientAssembly(Assembly assembly)
    {
        var name = assembly.GetName().Name ?? "";
        return ClientAssemblies.Contains(name) || name.StartsWith("System.", StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} failed; the caller gets a GrainOperationFailedException in its place")]
    private static partial void LogReplaced(ILogger logger, Exception exception, string method);
}
