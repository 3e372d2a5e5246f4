namespace Chorus.Discord.Voice.Encryption;

internal enum RtpOpenResult
{
    Ok,
    /// <summary>Too short to hold the tag and nonce suffix.</summary>
    TooShort,
    /// <summary>Tag mismatch: tampered, forged or keyed for someone else.</summary>
    AuthenticationFailed,
    /// <summary>The extension body claimed more bytes than the plaintext has.</summary>
    BadExtension,
    /// <summary>Padding count of zero or longer than the payload.</summary>
    BadPadding,
}
