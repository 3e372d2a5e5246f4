using BenchmarkDotNet.Attributes;
using Chorus.Mls.Group;

namespace Chorus.Bench.Mls;

/// <summary>
/// MLS handshake costs for DAVE group sizes: creating a commit for one external Add (no UpdatePath, plus the Welcome) or
/// one external Remove (with UpdatePath), processing it as another member, and joining from the Welcome.
/// Each commit benchmark includes validating the external proposal first, as a DAVE client always does.
/// </summary>
[MemoryDiagnoser]
public class MlsCommitBenchmarks
{
    private MlsBenchGroup _group = null!;
    private byte[] _addProposal = null!;
    private byte[] _removeProposal = null!;
    private byte[] _addCommit = null!;
    private byte[] _removeCommit = null!;
    private byte[] _welcome = null!;
    private KeyPackageBundle _joiner = null!;

    [Params(2, 10, 50)]
    public int Members { get; set; }

    private MlsGroup Committer => _group.Members[0];

    private MlsGroup Receiver => _group.Members[^1];

    [GlobalSetup]
    public void Setup()
    {
        _group = MlsBenchGroup.Build(Members);
        var epoch = Committer.Epoch;
        _joiner = KeyPackageBundle.Create(MlsIdentity.Generate(999_999));
        _addProposal = ExternalProposals.Add(_group.Gateway, _group.GroupId, epoch, _joiner.Encoded).Message;
        _removeProposal = ExternalProposals.Remove(_group.Gateway, _group.GroupId, epoch, 1).Message;

        var add = CreateCommit(_addProposal);
        _addCommit = add.Commit;
        _welcome = add.Welcome!;
        _removeCommit = CreateCommit(_removeProposal).Commit;
    }

    private CommitOutput CreateCommit(byte[] proposal)
    {
        Committer.ClearPendingProposals();
        Committer.ProcessProposal(proposal);
        return Committer.CreateCommit();
    }

    private MlsGroup ProcessCommit(byte[] proposal, byte[] commit)
    {
        Receiver.ClearPendingProposals();
        Receiver.ProcessProposal(proposal);
        return Receiver.ProcessCommit(commit);
    }

    [Benchmark]
    public CommitOutput CreateAddCommitWithWelcome() => CreateCommit(_addProposal);

    [Benchmark]
    public MlsGroup ProcessAddCommit() => ProcessCommit(_addProposal, _addCommit);

    [Benchmark]
    public CommitOutput CreateRemoveCommitWithPath() => CreateCommit(_removeProposal);

    [Benchmark]
    public MlsGroup ProcessRemoveCommitWithPath() => Members > 2 ? ProcessCommit(_removeProposal, _removeCommit) : Receiver;

    [Benchmark]
    public MlsGroup ProcessWelcome() => MlsGroup.Join(_welcome, _joiner);
}
