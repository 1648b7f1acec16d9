using System.Collections.Generic;
using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>The status of a promotion in flight. Unknown values are kept as sent (see <see cref="ApiStringEnum"/>).</summary>
    [JsonConverter(typeof(ApiStringEnumConverter<InProgressPromotionStatusV1>))]
    public sealed class InProgressPromotionStatusV1 : ApiStringEnum
    {
        /// <summary>The values in the 2026-08 OpenAPI document.</summary>
        public static readonly IReadOnlyList<string> Known = new[] { "RELEASING", "RAMPING_UP", "RAMPING_DOWN", "PAUSED", "SUCCEEDED", "FAILED", "CANCELED" };

        /// <summary>PowerShell converts strings with this constructor (casts, comparisons).</summary>
        public InProgressPromotionStatusV1(string value) : base(value, Known) { }
    }
}
