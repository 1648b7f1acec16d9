using System.Collections.Generic;
using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>The rolling deploy strategy. Unknown values are kept as sent (see <see cref="ApiStringEnum"/>).</summary>
    [JsonConverter(typeof(ApiStringEnumConverter<RollingDeployStrategyV1>))]
    public sealed class RollingDeployStrategyV1 : ApiStringEnum
    {
        /// <summary>The values in the 2026-08 OpenAPI document.</summary>
        public static readonly IReadOnlyList<string> Known = new[] { "REPLICA" };

        /// <summary>PowerShell converts strings with this constructor (casts, comparisons).</summary>
        public RollingDeployStrategyV1(string value) : base(value, Known) { }
    }
}
