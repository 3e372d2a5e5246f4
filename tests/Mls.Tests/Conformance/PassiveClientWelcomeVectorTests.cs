namespace Chorus.Mls.Tests.Conformance;

public sealed class PassiveClientWelcomeVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("passive-client-welcome");

    [Theory]
    [MemberData(nameof(Cases))]
    public void FollowsGroup(int index) => PassiveClientVectors.Run("passive-client-welcome", index);
}
