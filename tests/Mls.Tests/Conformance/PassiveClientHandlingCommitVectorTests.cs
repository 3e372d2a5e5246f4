namespace Chorus.Mls.Tests.Conformance;

public sealed class PassiveClientHandlingCommitVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("passive-client-handling-commit");

    [Theory]
    [MemberData(nameof(Cases))]
    public void FollowsGroup(int index) => PassiveClientVectors.Run("passive-client-handling-commit", index);
}
