using Chorus.Discord.Interactions;
using Chorus.Emulators.Discord;
using Chorus.Gateway.Commands;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Tests.Commands;

/// <summary>Every interaction ends with an answer, whatever the handler does, and shutdown waits for the ones under way.</summary>
[EndToEnd]
public sealed class InteractionDispatcherTests(CommandClusterFixture fixture) : IClassFixture<CommandClusterFixture>
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    [Fact]
    public async Task A_user_over_the_rate_limit_gets_an_ephemeral_answer_saying_when_to_retry_and_the_command_does_not_run()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var limits = new CommandRateLimiter(burst: 1, period: TimeSpan.FromSeconds(30), time);
        var runs = 0;
        var counted = new ScriptedCommand("counted", false, (_, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult(new CommandReply("ran"));
        });
        await using var rig = await CommandRig.StartAsync(Grains, extraCommands: [counted], rateLimiter: limits);

        (var first, _) = await rig.RunAsync(CommandRig.AliceId, "counted");
        time.Advance(TimeSpan.FromSeconds(12));
        (var limited, var replies) = await rig.RunAsync(CommandRig.AliceId, "counted");
        (var other, _) = await rig.RunAsync(CommandRig.BobId, "counted");

        Assert.Equal("ran", first);
        Assert.Equal("You are sending commands faster than I take them. Try /counted again in 18 s.", limited);
        Assert.Equal(64, Assert.Single(replies).Flags);
        Assert.Equal("ran", other);
        Assert.Equal(2, Volatile.Read(ref runs));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_handler_that_throws_gets_one_error_reply_and_one_log_line(bool defersFirst)
    {
        var logs = new CapturingLoggerProvider();
        using var loggers = new LoggerFactory([logs]);
        var boom = new ScriptedCommand("boom", defersFirst, async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("handler bug");
        });
        await using var rig = await CommandRig.StartAsync(Grains, extraCommands: [boom], logger: loggers.CreateLogger<InteractionDispatcher>());

        (var content, var replies) = await rig.RunAsync(CommandRig.AliceId, "boom");

        Assert.Equal("Something went wrong while running /boom. It has been logged; try again in a moment.", content);
        Assert.Equal(
            defersFirst ? [(InteractionReplyKind.Callback, 5), (InteractionReplyKind.EditOriginal, 0)] : [(InteractionReplyKind.Callback, 4)],
            replies.Select(r => (r.Kind, r.CallbackType ?? 0)));
        Assert.Equal(64, replies[0].Flags);
        var failure = Assert.Single(logs.Lines);
        Assert.Contains("/boom failed", failure, StringComparison.Ordinal);
        Assert.Contains("handler bug", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suggestions_that_throw_get_an_empty_list_and_one_log_line()
    {
        var logs = new CapturingLoggerProvider();
        using var loggers = new LoggerFactory([logs]);
        await using var rig = await CommandRig.StartAsync(Grains, extraCommands: [new ThrowingSuggestions()], logger: loggers.CreateLogger<InteractionDispatcher>());
        var options = CommandRig.Subcommand("pick", ("name", "z"));
        options[0]!["options"]![0]!["focused"] = true;

        var interaction = await rig.Emulator.InvokeAutocompleteAsync(rig.GuildId, CommandRig.TextChannelId, CommandRig.AliceId, "suggest", options);
        var reply = await rig.Emulator.InteractionReplies.WaitForAsync(r => r.Token == interaction.Token, CommandRig.Timeout);

        Assert.Equal(8, reply.CallbackType);
        Assert.Empty(reply.Body!["data"]!["choices"]!.AsArray());
        Assert.Contains("/suggest failed", Assert.Single(logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_waits_for_an_interaction_under_way_to_be_answered()
    {
        var release = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new ScriptedCommand("slow", false, (_, _) =>
        {
            started.TrySetResult();
            return release.Task;
        });
        await using var rig = await CommandRig.StartAsync(Grains, new CommandOptions { GatewayId = "gw-test", DeferAfter = TimeSpan.FromMinutes(1) }, [slow]);
        var interaction = await rig.Emulator.InvokeCommandAsync(rig.GuildId, CommandRig.TextChannelId, CommandRig.AliceId, "slow");
        await started.Task.WaitAsync(CommandRig.Timeout);

        var drain = rig.Dispatcher.DrainAsync(CancellationToken.None);
        Assert.False(drain.IsCompleted);
        release.SetResult(new CommandReply("done"));
        await drain.WaitAsync(CommandRig.Timeout);

        // Drained means answered: the reply was sent before the drain completed.
        var reply = Assert.Single(rig.Emulator.InteractionReplies.Snapshot(), r => r.Token == interaction.Token);
        Assert.Equal("done", reply.Content);
    }

    [Fact]
    public async Task A_shutdown_that_cannot_wait_still_answers_the_interaction_under_way()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new ScriptedCommand("stuck", false, async (_, cancellationToken) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return new CommandReply("never");
        });
        await using var rig = await CommandRig.StartAsync(Grains, new CommandOptions { GatewayId = "gw-test", DeferAfter = TimeSpan.FromMinutes(1) }, [stuck]);
        var interaction = await rig.Emulator.InvokeCommandAsync(rig.GuildId, CommandRig.TextChannelId, CommandRig.AliceId, "stuck");
        await started.Task.WaitAsync(CommandRig.Timeout);

        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await rig.Dispatcher.DrainAsync(impatient.Token).WaitAsync(CommandRig.Timeout);

        var reply = Assert.Single(rig.Emulator.InteractionReplies.Snapshot(), r => r.Token == interaction.Token);
        Assert.Equal("I am restarting and could not finish /stuck. Try again in a minute.", reply.Content);
        Assert.Equal(0, rig.Dispatcher.InFlight);
    }

    [Fact]
    public async Task A_command_slow_to_wind_down_after_a_shutdown_is_still_answered_restarting()
    {
        // Cleanup after cancellation takes a moment (a grain call, a socket close): the shutdown must not reach the
        // defer timer first and send a deferral on a cancelled token, which left the user with no answer at all.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowToStop = new ScriptedCommand("slow", false, async (_, cancellationToken) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                throw;
            }

            return new CommandReply("never");
        });
        await using var rig = await CommandRig.StartAsync(Grains, new CommandOptions { GatewayId = "gw-test", DeferAfter = TimeSpan.FromMinutes(1) }, [slowToStop]);
        var interaction = await rig.Emulator.InvokeCommandAsync(rig.GuildId, CommandRig.TextChannelId, CommandRig.AliceId, "slow");
        await started.Task.WaitAsync(CommandRig.Timeout);

        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await rig.Dispatcher.DrainAsync(impatient.Token).WaitAsync(CommandRig.Timeout);

        var reply = Assert.Single(rig.Emulator.InteractionReplies.Snapshot(), r => r.Token == interaction.Token);
        Assert.Equal("I am restarting and could not finish /slow. Try again in a minute.", reply.Content);
    }

    private sealed class ThrowingSuggestions : IAutocompleteCommand
    {
        public ApplicationCommand Definition { get; } = new() { Name = "suggest", Description = "A test command" };

        public bool DefersImmediately => false;

        public Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) => Task.FromResult(new CommandReply("ok"));

        public IReadOnlyList<ApplicationCommandOptionChoice> Suggest(CommandContext context) => throw new InvalidOperationException("suggestion bug");
    }

    private sealed class ScriptedCommand(string name, bool defersImmediately, Func<CommandContext, CancellationToken, Task<CommandReply>> run) : ISlashCommand
    {
        public ApplicationCommand Definition { get; } = new() { Name = name, Description = "A test command" };

        public bool DefersImmediately => defersImmediately;

        public Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) => run(context, cancellationToken);
    }
}
