namespace Baseten.PowerShell
{
    /// <summary>
    /// The ErrorIds a cmdlet reports for API answers that mean something specific to its resource
    /// (404 ModelNotFound vs EnvironmentNotFound). The rest come from <see cref="BasetenErrors"/>.
    /// </summary>
    internal sealed class ApiErrorIds
    {
        /// <summary>For calls with no resource-specific meaning.</summary>
        public static readonly ApiErrorIds Generic = new ApiErrorIds(notFound: "ResourceNotFound");

        public ApiErrorIds(string notFound, string conflict = "Conflict")
        {
            NotFound = notFound;
            Conflict = conflict;
        }

        /// <summary>For 404.</summary>
        public string NotFound { get; }

        /// <summary>For 409.</summary>
        public string Conflict { get; }
    }
}
