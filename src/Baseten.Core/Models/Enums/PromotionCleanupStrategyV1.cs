using System.Collections.Generic;
using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>What happens to the previous deployment after a promotion. Unknown values are kept as sent (see <see cref="ApiStringEnum"/>).</summary>
    [JsonConverter(typeof(ApiStringEnumConverter<PromotionCleanupStrategyV1>))]
    public sealed class PromotionCleanupStrategyV1 : ApiStringEnum
    {
        /// <summary>The values in the 2026-08 OpenAPI document.</summary>
        public static readonly IReadOnlyList<string> Known = new[] { "KEEP", "SCALE_TO_ZERO", "DEACTIVATE" };

        /// <summary>PowerShell converts strings with this constructor (casts, comparisons).</summary>
        public PromotionCleanupStrategyV1(string value) : base(value, Known) { }
    }
}
