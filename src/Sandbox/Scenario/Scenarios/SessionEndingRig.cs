using Chorus.Emulators.Discord;
using Chorus.Emulators.Voice;
using Chorus.Grains.Sessions;

namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>
/// What the scenarios that end a session share: the world with the user in the voice channel, /join, one answered
/// turn, the messages the bot posts in the channel /join was run from, its leaving, and the grain's record.
/// </summary>
internal sealed class SessionEndingRig : IAsyncDisposable
{
    private readonly TextWriter _output;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly long _startedAt;

    private SessionEndingRig(TextWriter output, SandboxOptions options)
    {
        _output = output;
        Options = options;
        Log = new SandboxLog(options.Verbose ? output : null, _time);
        _startedAt = _time.GetTimestamp();
    }

    public SandboxOptions Options { get; }

    public SandboxLog Log { get; }

    public SandboxWorld World { get; private set; } = null!;

    public ScriptedVoiceUser User { get; private set; } = null!;

    public TimeSpan Wait => Options.StepTimeout;

    public static long GuildKey => unchecked((long)SandboxScenario.GuildId);

    public IVoiceSessionGrain Grain => World.App.Services.GetRequiredService<IClusterClient>().GetGrain<IVoiceSessionGrain>(GuildKey);

    public static async Task<SessionEndingRig> StartAsync(
        TextWriter output, SandboxOptions options, Action<IServiceCollection>? services, CancellationToken cancellationToken)
    {
        var rig = new SessionEndingRig(output, options);
        rig.World = await SandboxWorld.StartAsync(output, rig.Wait, [], cancellationToken, rig.Log, services: services);
        rig.User = rig.World.Voice.AddScriptedUser(
            SandboxScenario.GuildId, SandboxScenario.UserId, recordSampleRate: 24000, channelId: SandboxScenario.VoiceChannelId);
        return rig;
    }

    public void Say(string who, string what) =>
        _output.WriteLine($"{_time.GetElapsedTime(_startedAt).TotalSeconds,6:0.0} s  {who,-6} {what}");

    /// <summary>/join from the text channel; true when the bot joined.</summary>
    public async Task<bool> JoinAsync(CancellationToken cancellationToken)
    {
        Say("user", "/join");
        var reply = await SandboxScenario.RunCommandAsync(World.Discord, "join", Wait, cancellationToken: cancellationToken);
        Say("bot", "-> " + reply);
        return reply.StartsWith("Joined", StringComparison.Ordinal);
    }

    /// <summary>The user says something (a synthetic voice) and waits for the answer; true when one came.</summary>
    public async Task<bool> TalkAsync(CancellationToken cancellationToken)
    {
        var bot = SandboxScenario.BotUserId;
        var pcm = SandboxSpeech.Synthetic(1.2);
        Say("user", "says something (1.2 s of synthetic speech)");
        await User.SpeakAsync(pcm, SandboxSpeech.SampleRate, cancellationToken: cancellationToken);
        var heard = User.Heard(bot).Length;
        try
        {
            await User.WaitForHeardAsync(bot, heard + 4800, Wait).WaitAsync(cancellationToken);
            Say("bot", "answers");
            return true;
        }
        catch (TimeoutException)
        {
            Say("bot", $"no answer within {Wait.TotalSeconds:0} s");
            return false;
        }
    }

    /// <summary>The next message the bot posts in the channel /join was run from that <paramref name="match"/> accepts, or null.</summary>
    public async Task<string?> PostedAsync(Func<string, bool> match, TimeSpan wait)
    {
        try
        {
            var record = await World.Discord.ChannelMessages.WaitForAsync(
                m => m.ChannelId == SandboxScenario.TextChannelId && match(Content(m)), wait);
            return Content(record);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Every message the bot posted in that channel.</summary>
    public IReadOnlyList<string> Posts =>
        [.. World.Discord.ChannelMessages.Snapshot().Where(m => m.ChannelId == SandboxScenario.TextChannelId).Select(Content)];

    /// <summary>Whether the bot told Discord it left the voice channel (op 4 with no channel) within <paramref name="wait"/>.</summary>
    public async Task<bool> LeftVoiceAsync(TimeSpan wait)
    {
        try
        {
            await World.Discord.VoiceStateCommands.WaitForAsync(c => c.GuildId == SandboxScenario.GuildId && c.ChannelId is null, wait);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The grain's record once the session has ended there (or as it is when <see cref="Wait"/> runs out).</summary>
    public async Task<VoiceSessionSnapshot> EndedSessionAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var snapshot = await Grain.GetAsync();
            if (snapshot.HasEnded || _time.GetElapsedTime(started) > Wait)
            {
                return snapshot;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Prints the verdict line and returns the exit code.</summary>
    public int Verdict(string name, IReadOnlyList<string> failures, string summary)
    {
        // A scenario that breaks something on purpose makes the bot log warnings: only a failure points at them.
        var problems = Log.Problems > 0 ? $" ({Log.Problems} bot warnings/errors; first: {Log.FirstProblem})" : "";
        _output.WriteLine();
        _output.WriteLine(failures.Count == 0
            ? $"PASS {name}: {summary}"
            : $"FAIL {name}: {string.Join("; ", failures)}{problems}");
        return failures.Count == 0 ? 0 : 1;
    }

    public async ValueTask DisposeAsync()
    {
        if (World is not null)
        {
            await World.DisposeAsync();
        }
    }

    private static string Content(ChannelMessageRecord record) => record.Body?["content"]?.GetValue<string>() ?? "";
}
