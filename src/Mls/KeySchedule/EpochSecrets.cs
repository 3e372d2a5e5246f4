using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;

namespace Chorus.Mls.KeySchedule;

/// <summary>The secrets of one epoch (RFC 9420 §8), derived from the joiner secret and the epoch's GroupContext.</summary>
internal sealed class EpochSecrets
{
    private static readonly byte[] ZeroSecret = new byte[CipherSuite.HashLength];

    public required byte[] JoinerSecret { get; init; }

    public required byte[] WelcomeSecret { get; init; }

    public required byte[] EpochSecret { get; init; }

    public required byte[] SenderDataSecret { get; init; }

    public required byte[] EncryptionSecret { get; init; }

    public required byte[] ExporterSecret { get; init; }

    public required byte[] ExternalSecret { get; init; }

    public required byte[] ConfirmationKey { get; init; }

    public required byte[] MembershipKey { get; init; }

    public required byte[] ResumptionPsk { get; init; }

    public required byte[] EpochAuthenticator { get; init; }

    public required byte[] InitSecret { get; init; }

    public static byte[] ComputeJoinerSecret(ReadOnlySpan<byte> previousInitSecret, ReadOnlySpan<byte> commitSecret, GroupContext context) =>
        CipherSuite.ExpandWithLabel(CipherSuite.Extract(previousInitSecret, commitSecret), "joiner", Tls.Encode(context), CipherSuite.HashLength);

    public static EpochSecrets FromInitSecret(ReadOnlySpan<byte> previousInitSecret, ReadOnlySpan<byte> commitSecret, GroupContext context, ReadOnlySpan<byte> pskSecret = default) =>
        FromJoinerSecret(ComputeJoinerSecret(previousInitSecret, commitSecret.IsEmpty ? ZeroSecret : commitSecret, context), context, pskSecret);

    public static EpochSecrets FromJoinerSecret(byte[] joinerSecret, GroupContext context, ReadOnlySpan<byte> pskSecret = default)
    {
        var psk = pskSecret.IsEmpty ? ZeroSecret : pskSecret;
        var memberSecret = CipherSuite.Extract(joinerSecret, psk);
        var epochSecret = CipherSuite.ExpandWithLabel(memberSecret, "epoch", Tls.Encode(context), CipherSuite.HashLength);
        return new EpochSecrets
        {
            JoinerSecret = joinerSecret,
            WelcomeSecret = CipherSuite.DeriveSecret(memberSecret, "welcome"),
            EpochSecret = epochSecret,
            SenderDataSecret = CipherSuite.DeriveSecret(epochSecret, "sender data"),
            EncryptionSecret = CipherSuite.DeriveSecret(epochSecret, "encryption"),
            ExporterSecret = CipherSuite.DeriveSecret(epochSecret, "exporter"),
            ExternalSecret = CipherSuite.DeriveSecret(epochSecret, "external"),
            ConfirmationKey = CipherSuite.DeriveSecret(epochSecret, "confirm"),
            MembershipKey = CipherSuite.DeriveSecret(epochSecret, "membership"),
            ResumptionPsk = CipherSuite.DeriveSecret(epochSecret, "resumption"),
            EpochAuthenticator = CipherSuite.DeriveSecret(epochSecret, "authentication"),
            InitSecret = CipherSuite.DeriveSecret(epochSecret, "init"),
        };
    }

    /// <summary>MLS-Exporter(label, context, length) (RFC 9420 §8.5).</summary>
    public byte[] Export(string label, ReadOnlySpan<byte> context, int length) =>
        CipherSuite.ExpandWithLabel(CipherSuite.DeriveSecret(ExporterSecret, label), "exported", CipherSuite.Hash(context), length);

    /// <summary>Key and nonce protecting a Welcome's GroupInfo.</summary>
    public static (byte[] Key, byte[] Nonce) WelcomeKeyAndNonce(ReadOnlySpan<byte> welcomeSecret) =>
        (CipherSuite.ExpandWithLabel(welcomeSecret, "key", [], CipherSuite.KeyLength),
         CipherSuite.ExpandWithLabel(welcomeSecret, "nonce", [], CipherSuite.NonceLength));

    public static byte[] WelcomeSecretFromJoiner(ReadOnlySpan<byte> joinerSecret, ReadOnlySpan<byte> pskSecret = default) =>
        CipherSuite.DeriveSecret(CipherSuite.Extract(joinerSecret, pskSecret.IsEmpty ? ZeroSecret : pskSecret), "welcome");
}
