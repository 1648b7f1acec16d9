namespace Baseten.Core.Http
{
    /// <summary>What a failed attempt says about retrying it.</summary>
    public enum FailureKind
    {
        /// <summary>Retrying cannot help (400, 401, 403, 404, 409, 422, a bad answer, a timeout).</summary>
        Permanent,

        /// <summary>
        /// Transient, and the request certainly did not take effect (429, 408, 503, a connection never made),
        /// so even a create may be sent again.
        /// </summary>
        NotApplied,

        /// <summary>
        /// Transient, but the request may have taken effect (502, 504, a connection lost after sending). An
        /// idempotent request is retried; a create only after reading back that it did not happen.
        /// </summary>
        Unknown,
    }
}
