namespace Chorus.Discord.Dave;

/// <summary>DAVE displayable codes: groups of big-endian bytes reduced mod 10^g and zero-padded (whitepaper "Displayable Codes").</summary>
internal static class DavePrivacyCode
{
    /// <summary>Code over the first <paramref name="length"/> bytes of <paramref name="data"/> in groups of <paramref name="groupSize"/> (at most 8).</summary>
    public static string Generate(ReadOnlySpan<byte> data, int length, int groupSize)
    {
        if (groupSize is < 1 or > 8 || length % groupSize != 0 || data.Length < length)
        {
            throw new ArgumentException("Invalid displayable code parameters.");
        }

        ulong modulus = 1;
        for (var i = 0; i < groupSize; i++)
        {
            modulus *= 10;
        }

        return string.Create(length, (data[..length].ToArray(), groupSize, modulus), static (chars, state) =>
        {
            var (bytes, size, mod) = state;
            for (var offset = 0; offset < bytes.Length; offset += size)
            {
                ulong value = 0;
                for (var j = 0; j < size; j++)
                {
                    value = (value << 8) | bytes[offset + j];
                }

                value %= mod;
                for (var j = size - 1; j >= 0; j--)
                {
                    chars[offset + j] = (char)('0' + (int)(value % 10));
                    value /= 10;
                }
            }
        });
    }

    /// <summary>The 30-digit voice privacy code shown to users: code(epoch_authenticator, 30, 5).</summary>
    public static string ForEpochAuthenticator(ReadOnlySpan<byte> epochAuthenticator) => Generate(epochAuthenticator, 30, 5);
}
