namespace Chorus.Discord.Dave;

/// <summary>Outcome of decrypting one received DAVE media frame.</summary>
public enum DaveDecryptResult
{
    /// <summary>Decrypted; the output holds the Opus frame.</summary>
    Decrypted,

    /// <summary>The Opus silence frame, copied unchanged.</summary>
    Silence,

    /// <summary>Not a protocol frame, copied unchanged because passthrough is allowed.</summary>
    PassedThrough,

    /// <summary>Not a protocol frame (bad marker, sizes or nonce) and passthrough is not allowed.</summary>
    InvalidFrame,

    /// <summary>No ratchet can serve this frame's generation (none yet, expired, too far ahead or behind).</summary>
    NoKey,

    /// <summary>The nonce was already accepted.</summary>
    Replayed,

    /// <summary>No key authenticated the frame.</summary>
    AuthenticationFailed,
}
