using Chorus.Gateway.Commands;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gateway.Tests.Commands;

/// <summary>Per-user, per-guild command limits on one fake clock.</summary>
public sealed class CommandRateLimiterTests
{
    private const ulong Guild = 1;
    private const ulong OtherGuild = 2;
    private const ulong Alice = 10;
    private const ulong Bob = 11;

    [Fact]
    public void A_user_gets_the_burst_then_one_command_per_period_and_is_told_when()
    {
        var time = new FakeTimeProvider();
        var limits = new CommandRateLimiter(burst: 3, period: TimeSpan.FromSeconds(10), time);

        Assert.Null(limits.TryAcquire(Guild, Alice));
        Assert.Null(limits.TryAcquire(Guild, Alice));
        Assert.Null(limits.TryAcquire(Guild, Alice));
        Assert.Equal(TimeSpan.FromSeconds(10), limits.TryAcquire(Guild, Alice));

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(6), limits.TryAcquire(Guild, Alice));

        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(limits.TryAcquire(Guild, Alice));
        Assert.Equal(TimeSpan.FromSeconds(10), limits.TryAcquire(Guild, Alice));
    }

    [Fact]
    public void Users_and_guilds_have_their_own_buckets()
    {
        var time = new FakeTimeProvider();
        var limits = new CommandRateLimiter(burst: 1, period: TimeSpan.FromMinutes(1), time);

        Assert.Null(limits.TryAcquire(Guild, Alice));
        Assert.NotNull(limits.TryAcquire(Guild, Alice));
        Assert.Null(limits.TryAcquire(Guild, Bob));
        Assert.Null(limits.TryAcquire(OtherGuild, Alice));
    }

    [Fact]
    public void A_long_pause_refills_to_the_burst_and_no_further()
    {
        var time = new FakeTimeProvider();
        var limits = new CommandRateLimiter(burst: 2, period: TimeSpan.FromSeconds(5), time);
        Assert.Null(limits.TryAcquire(Guild, Alice));
        Assert.Null(limits.TryAcquire(Guild, Alice));

        time.Advance(TimeSpan.FromHours(1));

        Assert.Null(limits.TryAcquire(Guild, Alice));
        Assert.Null(limits.TryAcquire(Guild, Alice));
        Assert.NotNull(limits.TryAcquire(Guild, Alice));
    }

    [Fact]
    public void Buckets_of_users_gone_quiet_are_forgotten()
    {
        var time = new FakeTimeProvider();
        var limits = new CommandRateLimiter(burst: 2, period: TimeSpan.FromSeconds(5), time);
        for (ulong user = 0; user < 1000; user++)
        {
            limits.TryAcquire(Guild, user);
        }

        Assert.Equal(1000, limits.Tracked);
        time.Advance(TimeSpan.FromSeconds(10));
        limits.TryAcquire(Guild, Alice);

        Assert.Equal(1, limits.Tracked);
    }

    [Fact]
    public void A_burst_of_zero_turns_the_limit_off()
    {
        var limits = new CommandRateLimiter(burst: 0, period: TimeSpan.FromSeconds(5), new FakeTimeProvider());

        for (var i = 0; i < 100; i++)
        {
            Assert.Null(limits.TryAcquire(Guild, Alice));
        }
    }
}
