using System.Collections.Generic;
using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>The status of a deployment. Unknown values are kept as sent (see <see cref="ApiStringEnum"/>).</summary>
    [JsonConverter(typeof(ApiStringEnumConverter<DeploymentStatusV1>))]
    public sealed class DeploymentStatusV1 : ApiStringEnum
    {
        /// <summary>The values in the 2026-08 OpenAPI document.</summary>
        public static readonly IReadOnlyList<string> Known = new[] { "BUILDING", "DEPLOYING", "DEPLOY_FAILED", "LOADING_MODEL", "ACTIVE", "UNHEALTHY", "BUILD_FAILED", "BUILD_STOPPED", "DEACTIVATING", "INACTIVE", "FAILED", "UPDATING", "SCALED_TO_ZERO", "WAKING_UP" };

        /// <summary>PowerShell converts strings with this constructor (casts, comparisons).</summary>
        public DeploymentStatusV1(string value) : base(value, Known) { }
    }
}
