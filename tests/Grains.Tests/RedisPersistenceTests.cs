using StackExchange.Redis;

namespace Chorus.Grains.Tests;

[EndToEnd]
public sealed class RedisPersistenceTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Settings_and_session_survive_a_restart_with_redis_storage()
    {
        await PersistenceAcrossRestartTests.AssertSurvivesRestartAsync(
            silo => silo.AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis.ConnectionString)),
            settings: null);
    }
}
