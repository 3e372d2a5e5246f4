namespace Chorus.Mls.Group;

/// <summary>
/// The delivery service's view of leaf positions (RFC 9420 tree edits without keys): a commit applies its Removes, then
/// its Adds into the leftmost blank leaf (else appended); trailing blank leaves are truncated. Creator is leaf 0.
/// </summary>
public sealed class DeliveryServiceRoster
{
    private readonly List<ulong?> _leaves = [];

    private DeliveryServiceRoster(ulong creator)
    {
        _leaves.Add(creator);
    }

    /// <summary>The epoch the group is at (0 after creation, +1 per applied commit).</summary>
    public ulong Epoch { get; private set; }

    /// <summary>User id per leaf index; null for a blank leaf.</summary>
    public IReadOnlyList<ulong?> Leaves => _leaves;

    /// <summary>The roster of a new group at epoch 0 whose only member, at leaf 0, is <paramref name="creatorUserId"/>.</summary>
    public static DeliveryServiceRoster Founded(ulong creatorUserId) => new(creatorUserId);

    /// <summary>The leaf index of <paramref name="userId"/>, or null when it is not a member.</summary>
    public uint? LeafOf(ulong userId)
    {
        var index = _leaves.IndexOf(userId);
        return index < 0 ? null : (uint)index;
    }

    /// <summary>Applies one commit's proposals; returns the leaf index each added user received.</summary>
    public IReadOnlyDictionary<ulong, uint> ApplyCommit(IEnumerable<uint> removedLeaves, IEnumerable<ulong> addedUsers)
    {
        foreach (var leaf in removedLeaves)
        {
            if (leaf >= _leaves.Count || _leaves[(int)leaf] is null)
            {
                throw new MlsException($"Remove of blank leaf {leaf}.");
            }

            _leaves[(int)leaf] = null;
        }

        TruncateTrailingBlanks();
        var placed = new Dictionary<ulong, uint>();
        foreach (var user in addedUsers)
        {
            var blank = _leaves.IndexOf(null);
            if (blank < 0)
            {
                blank = _leaves.Count;
                _leaves.Add(user);
            }
            else
            {
                _leaves[blank] = user;
            }

            placed[user] = (uint)blank;
        }

        Epoch++;
        return placed;
    }

    private void TruncateTrailingBlanks()
    {
        while (_leaves.Count > 1 && _leaves[^1] is null)
        {
            _leaves.RemoveAt(_leaves.Count - 1);
        }
    }
}
