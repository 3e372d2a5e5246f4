using System.Text;
using System.Threading.Channels;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Bridge;

/// <summary>
/// Gathers a turn's input and output transcriptions and posts them to a text channel as one message
/// when the turn completes. Posting is sequential (the REST client honours Discord's rate limits) and
/// the queue is bounded, so a burst of short turns cannot grow memory: the oldest unposted turn is
/// dropped and counted. Mentions in transcribed speech are defused so a spoken "@everyone" pings no one.
/// </summary>
public sealed class TranscriptPoster : IAsyncDisposable
{
    /// <summary>Discord's limit for one message's content.</summary>
    public const int MaxMessageLength = 2000;

    private readonly Func<string, CancellationToken, Task> _post;
    private readonly ILogger _logger;
    private readonly Channel<string> _queue;
    private readonly StringBuilder _user = new();
    private readonly StringBuilder _bot = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private long _dropped;
    private long _failed;

    private TranscriptPoster(Func<string, CancellationToken, Task> post, ILogger logger, int maxQueuedTurns)
    {
        _post = post;
        _logger = logger;
        _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(maxQueuedTurns)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        }, _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>A poster whose posting loop is already running; <see cref="DisposeAsync"/> ends it.</summary>
    public static TranscriptPoster Start(Func<string, CancellationToken, Task> post, ILogger logger, int maxQueuedTurns = 20)
    {
        var poster = new TranscriptPoster(post, logger, maxQueuedTurns);
        poster._loop = Task.Run(() => poster.RunAsync(poster._stopping.Token));
        return poster;
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Failed => Interlocked.Read(ref _failed);

    public void Add(GeminiTranscriptionSource source, string text)
    {
        lock (_lock)
        {
            (source == GeminiTranscriptionSource.Input ? _user : _bot).Append(text);
        }
    }

    /// <summary>Queues the turn's transcript (nothing when the turn had no words).</summary>
    public void CompleteTurn()
    {
        string user, bot;
        lock (_lock)
        {
            user = _user.ToString().Trim();
            bot = _bot.ToString().Trim();
            _user.Clear();
            _bot.Clear();
        }
        if (user.Length == 0 && bot.Length == 0)
        {
            return;
        }

        foreach (var part in Format(user, bot))
        {
            _queue.Writer.TryWrite(part);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            // Let queued turns go out, but never hold shutdown hostage to Discord.
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stopping.Dispose();
    }

    /// <summary>The message text for one turn, split into Discord-sized messages.</summary>
    public static IReadOnlyList<string> Format(string user, string bot)
    {
        var text = new StringBuilder();
        if (user.Length > 0)
        {
            text.Append("**Heard:** ").Append(Defuse(user));
        }

        if (bot.Length > 0)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append("**Said:** ").Append(Defuse(bot));
        }
        var all = text.ToString();
        var parts = new List<string>();
        for (var start = 0; start < all.Length; start += MaxMessageLength)
        {
            parts.Add(all.Substring(start, Math.Min(MaxMessageLength, all.Length - start)));
        }

        return parts;
    }

    private static string Defuse(string text) => text.Replace("@", "@\u200b", StringComparison.Ordinal);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var message in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await _post(message, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failed);
                _logger.LogWarning(ex, "A transcript could not be posted");
            }
        }
    }
}
