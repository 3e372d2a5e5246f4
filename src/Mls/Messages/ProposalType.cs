namespace Chorus.Mls.Messages;

/// <summary>ProposalType (RFC 9420 §12.1).</summary>
public enum ProposalType : ushort
{
    /// <summary>add (1): adds a member from its KeyPackage.</summary>
    Add = 1,
    /// <summary>update (2): replaces the sender's leaf node.</summary>
    Update = 2,
    /// <summary>remove (3): removes the member at a leaf.</summary>
    Remove = 3,
    /// <summary>psk (4): injects a pre-shared key.</summary>
    PreSharedKey = 4,
    /// <summary>reinit (5): closes the group for a new one.</summary>
    ReInit = 5,
    /// <summary>external_init (6): an external join.</summary>
    ExternalInit = 6,
    /// <summary>group_context_extensions (7): replaces the group context extensions.</summary>
    GroupContextExtensions = 7,
}
