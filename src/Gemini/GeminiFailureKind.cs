namespace Chorus.Gemini;

/// <summary>What a close or a failed connect means for retrying.</summary>
public enum GeminiFailureKind
{
    /// <summary>Closed on request (ours) or orderly; resume if we did not ask for it.</summary>
    Normal,
    /// <summary>Server fault or network drop: reconnect with the handle, with backoff.</summary>
    Transient,
    /// <summary>Quota, capacity or billing: retrying soon will not help; the circuit breaker opens.</summary>
    QuotaExhausted,
    /// <summary>The resumption handle was refused: drop it and start one fresh session.</summary>
    ResumeRefused,
    /// <summary>Bad, expired or unauthorised key: fatal.</summary>
    InvalidCredentials,
    /// <summary>Model unknown or not usable for Live: fatal unless a fallback model is configured.</summary>
    ModelUnavailable,
    /// <summary>Setup or request the server will never accept (schema, region, context exhaustion): fatal.</summary>
    InvalidRequest,
}
