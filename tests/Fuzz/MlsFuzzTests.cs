using System.Buffers.Binary;
using Chorus.Mls;
using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;

namespace Chorus.Fuzz;

/// <summary>
/// MLS as DAVE carries it: MLSMessage decoding (Welcome, Commit, Proposal, KeyPackage), and the group operations that
/// take them off the wire: joining from a Welcome, processing a Commit, processing a Proposal. The only failure a
/// caller is promised is <see cref="MlsException"/>.
/// </summary>
public sealed class MlsFuzzTests : IDisposable
{
    private const ulong Alice = 1001;
    private const ulong Bob = 1002;
    private const ulong Carol = 1003;

    private readonly SignatureKeyPair _deliveryService = SignatureKeyPair.Generate();
    private readonly HashSet<ulong> _recognized = [Alice, Bob, Carol, Alice + 3];
    private readonly byte[] _groupId = new byte[8];
    private readonly MlsGroup _alice;
    private readonly MlsGroup _bob;
    private readonly KeyPackageBundle _carol;
    private readonly byte[] _carolProposal;
    private readonly byte[] _commit;
    private readonly byte[] _welcome;
    private readonly ExternalSender _externalSender;

    public MlsFuzzTests()
    {
        BinaryPrimitives.WriteUInt64BigEndian(_groupId, 0x0102030405060708);
        _externalSender = ExternalProposals.CreateSender(_deliveryService, "delivery-service"u8.ToArray());
        var alice = MlsGroup.Create(_groupId, KeyPackageBundle.Create(MlsIdentity.Generate(Alice)), [_externalSender.ToExtension()], MlsGroupOptions.Dave);
        var bobBundle = KeyPackageBundle.Create(MlsIdentity.Generate(Bob));
        alice.ProcessProposal(ExternalProposals.Add(_deliveryService, _groupId, 0, bobBundle.Encoded).Message, _recognized.Contains);
        var first = alice.CreateCommit();
        _alice = first.NextEpoch;
        _bob = MlsGroup.Join(first.Welcome!, bobBundle, MlsGroupOptions.Dave);

        // Epoch 1 -> 2: the delivery service proposes Carol; Alice commits; Bob is the member who processes the commit.
        _carol = KeyPackageBundle.Create(MlsIdentity.Generate(Carol));
        _carolProposal = ExternalProposals.Add(_deliveryService, _groupId, 1, _carol.Encoded).Message;
        _alice.ProcessProposal(_carolProposal, _recognized.Contains);
        _bob.ProcessProposal(_carolProposal, _recognized.Contains);
        var second = _alice.CreateCommit();
        _commit = second.Commit;
        _welcome = second.Welcome!;
    }

    public void Dispose() => _deliveryService.Dispose();

    [Fact]
    public void Welcome_decoding()
    {
        // DAVE sends the Welcome bare (op 28 is commit || Welcome, op 30 carries it without an MLSMessage header).
        new Fuzzer
        {
            Target = "mls-welcome-decode",
            Seeds = [_welcome],
            Mutate = ByteMutator.Mutate,
            Parse = input =>
            {
                Tls.Decode(input, Welcome.Read);
                return FuzzOutcome.Accepted;
            },
            IsDocumented = e => e is MlsException,
        }.Run(shortRun: 30_000);
    }

    [Fact]
    public void MlsMessage_decoding()
    {
        new Fuzzer
        {
            Target = "mls-message-decode",
            Seeds = [_commit, _carolProposal],
            Mutate = ByteMutator.Mutate,
            Parse = input =>
            {
                MlsMessage.Decode(input);
                return FuzzOutcome.Accepted;
            },
            IsDocumented = e => e is MlsException,
        }.Run(shortRun: 50_000);
    }

    [Fact]
    public void Joining_from_a_welcome()
    {
        var report = new Fuzzer
        {
            Target = "mls-welcome-join",
            Seeds = [_welcome],
            Mutate = ByteMutator.Mutate,
            Parse = input =>
            {
                MlsGroup.Join(input, _carol, MlsGroupOptions.Dave, _externalSender);
                return input.AsSpan().SequenceEqual(_welcome) ? FuzzOutcome.Accepted : throw new InvalidOperationException("a changed welcome was accepted");
            },
            IsDocumented = e => e is MlsException,
            AllocationBound = length => 2 * 1024 * 1024 + 64L * length,
        }.Run(shortRun: 2_000);
        Assert.True(report.DocumentedThrows > 0, report.ToString());
    }

    [Fact]
    public void Processing_a_commit()
    {
        var report = new Fuzzer
        {
            Target = "mls-commit-process",
            Seeds = [_commit],
            Mutate = ByteMutator.Mutate,
            Parse = input =>
            {
                // The group returns the next epoch and stays as it was, so every input meets the same epoch 1.
                var next = _bob.ProcessCommit(input);
                if (!input.AsSpan().SequenceEqual(_commit))
                {
                    throw new InvalidOperationException("a changed commit was accepted");
                }

                return next.Epoch == 2 ? FuzzOutcome.Accepted : throw new InvalidOperationException($"commit accepted into epoch {next.Epoch}");
            },
            IsDocumented = e => e is MlsException,
            AllocationBound = length => 2 * 1024 * 1024 + 64L * length,
        }.Run(shortRun: 3_000);
        Assert.Equal(1ul, _bob.Epoch);
        Assert.True(report.DocumentedThrows > 0, report.ToString());
    }

    [Fact]
    public void Processing_a_proposal()
    {
        var report = new Fuzzer
        {
            Target = "mls-proposal-process",
            Seeds =
            [
                ExternalProposals.Add(_deliveryService, _groupId, 1, KeyPackageBundle.Create(MlsIdentity.Generate(Alice + 3)).Encoded).Message,
                ExternalProposals.Remove(_deliveryService, _groupId, 1, 1).Message,
            ],
            Mutate = ByteMutator.Mutate,
            Parse = input =>
            {
                var reference = _alice.ProcessProposal(input, _recognized.Contains);
                // Keep the queue as it was, so the next input meets the same state.
                _alice.RevokeProposal(reference);
                return FuzzOutcome.Accepted;
            },
            IsDocumented = e => e is MlsException,
            AllocationBound = length => 1024 * 1024 + 64L * length,
        }.Run(shortRun: 5_000);
        Assert.True(report.DocumentedThrows > 0, report.ToString());
    }
}
