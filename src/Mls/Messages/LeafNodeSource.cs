namespace Chorus.Mls.Messages;

/// <summary>LeafNodeSource (RFC 9420 §7.2): where a leaf node came from.</summary>
public enum LeafNodeSource : byte
{
    /// <summary>From a KeyPackage (key_package = 1); carries a lifetime.</summary>
    KeyPackage = 1,
    /// <summary>From an Update proposal (update = 2).</summary>
    Update = 2,
    /// <summary>From a commit's UpdatePath (commit = 3); carries a parent hash.</summary>
    Commit = 3,
}
