using Chorus.Grains.Settings;

namespace Chorus.Grains.Tests;

public sealed class PrebuiltVoicesTests
{
    [Fact]
    public void Matching_returns_at_most_the_limit_prefix_matches_first()
    {
        Assert.Equal(30, PrebuiltVoices.All.Count);
        Assert.Equal(25, PrebuiltVoices.Matching(string.Empty, 25).Count);
        Assert.Equal(["Puck", "Pulcherrima"], PrebuiltVoices.Matching("pu", 25));
        var withCh = PrebuiltVoices.Matching(" ch ", 25);
        Assert.Equal("Charon", withCh[0]);
        Assert.Contains("Achird", withCh);
        Assert.Empty(PrebuiltVoices.Matching("zzz", 25));
        Assert.Equal(["Achernar", "Achird"], PrebuiltVoices.Matching(null, 2));
    }

    [Fact]
    public void Canonical_fixes_only_the_case()
    {
        Assert.Equal("Puck", PrebuiltVoices.Canonical("pUCK"));
        Assert.Null(PrebuiltVoices.Canonical("Pucks"));
        Assert.True(PrebuiltVoices.IsKnown("Zephyr"));
        Assert.False(PrebuiltVoices.IsKnown("zephyr"));
    }
}
