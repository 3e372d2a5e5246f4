using System.Buffers.Binary;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;

namespace Chorus.Bench.Mls;

/// <summary>Builds a DAVE-style group of n members (external sender adds, first member commits each add).</summary>
internal sealed class MlsBenchGroup
{
    public SignatureKeyPair Gateway { get; } = SignatureKeyPair.Generate();

    public byte[] GroupId { get; } = new byte[8];

    public List<MlsGroup> Members { get; } = [];

    public static MlsBenchGroup Build(int size)
    {
        var result = new MlsBenchGroup();
        BinaryPrimitives.WriteUInt64BigEndian(result.GroupId, 42);
        var sender = ExternalProposals.CreateSender(result.Gateway, "bench"u8.ToArray());
        result.Members.Add(MlsGroup.Create(result.GroupId, KeyPackageBundle.Create(MlsIdentity.Generate(1)), [sender.ToExtension()]));
        // Add in batches so building 50 members stays quick; the resulting tree is the same shape as one-by-one joins.
        var next = 2ul;
        while (result.Members.Count < size)
        {
            var batch = Math.Min(size - result.Members.Count, Math.Max(1, result.Members.Count));
            var bundles = new List<KeyPackageBundle>();
            for (var i = 0; i < batch; i++)
            {
                var bundle = KeyPackageBundle.Create(MlsIdentity.Generate(next++));
                bundles.Add(bundle);
                var (proposal, _) = ExternalProposals.Add(result.Gateway, result.GroupId, result.Members[0].Epoch, bundle.Encoded);
                foreach (var member in result.Members)
                {
                    member.ProcessProposal(proposal);
                }
            }

            var output = result.Members[0].CreateCommit();
            for (var m = 0; m < result.Members.Count; m++)
            {
                result.Members[m] = result.Members[m].ProcessCommit(output.Commit);
            }

            result.Members.AddRange(bundles.Select(b => MlsGroup.Join(output.Welcome!, b)));
        }

        return result;
    }
}
