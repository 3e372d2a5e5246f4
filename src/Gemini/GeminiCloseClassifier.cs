namespace Chorus.Gemini;

/// <summary>
/// Maps close codes and reason text to a <see cref="GeminiFailureKind"/>. Google publishes no close-code table;
/// this follows the field observations collected in the protocol brief (section 12).
/// </summary>
internal static class GeminiCloseClassifier
{
    public static GeminiFailureKind Classify(int? code, string? reason, bool resuming)
    {
        var text = reason ?? string.Empty;
        if (MentionsQuota(text))
        {
            return GeminiFailureKind.QuotaExhausted;
        }

        switch (code)
        {
            case null or 1006:
                return GeminiFailureKind.Transient;
            case 1000 or 1001:
                return GeminiFailureKind.Normal;
            case 1007:
                if (Contains(text, "API key") || Contains(text, "PERMISSION_DENIED") || Contains(text, "unauthenticated"))
                {
                    return GeminiFailureKind.InvalidCredentials;
                }

                return resuming ? GeminiFailureKind.ResumeRefused : GeminiFailureKind.InvalidRequest;
            case 1008:
                if (Contains(text, "not found") || Contains(text, "not supported"))
                {
                    // Mid-session "Requested entity was not found" after a resume is the handle, not the model.
                    return resuming && Contains(text, "entity") ? GeminiFailureKind.ResumeRefused : GeminiFailureKind.ModelUnavailable;
                }

                if (Contains(text, "permission") || Contains(text, "API key"))
                {
                    return GeminiFailureKind.InvalidCredentials;
                }

                return GeminiFailureKind.Transient;
            default:
                return GeminiFailureKind.Transient;
        }
    }

    /// <summary>HTTP status of a refused WebSocket upgrade.</summary>
    public static GeminiFailureKind ClassifyHandshake(int httpStatus) => httpStatus switch
    {
        401 or 403 => GeminiFailureKind.InvalidCredentials,
        404 => GeminiFailureKind.ModelUnavailable,
        400 => GeminiFailureKind.InvalidRequest,
        429 => GeminiFailureKind.QuotaExhausted,
        _ => GeminiFailureKind.Transient,
    };

    public static bool IsFatal(GeminiFailureKind kind) =>
        kind is GeminiFailureKind.InvalidCredentials or GeminiFailureKind.ModelUnavailable or GeminiFailureKind.InvalidRequest;

    public static bool IsRetryable(GeminiFailureKind kind) =>
        kind is GeminiFailureKind.Transient or GeminiFailureKind.Normal or GeminiFailureKind.QuotaExhausted;

    private static bool MentionsQuota(string text) =>
        Contains(text, "RESOURCE_EXHAUSTED") || Contains(text, "quota") || Contains(text, "billing")
        || Contains(text, "Maximum concurrent") || Contains(text, "rate limit");

    private static bool Contains(string text, string value) => text.Contains(value, StringComparison.OrdinalIgnoreCase);
}
