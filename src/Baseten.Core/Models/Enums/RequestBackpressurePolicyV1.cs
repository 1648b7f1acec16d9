using System.Collections.Generic;
using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>What an environment does with requests when it is full. Unknown values are kept as sent (see <see cref="ApiStringEnum"/>).</summary>
    [JsonConverter(typeof(ApiStringEnumConverter<RequestBackpressurePolicyV1>))]
    public sealed class RequestBackpressurePolicyV1 : ApiStringEnum
    {
        /// <summary>The values in the 2026-08 OpenAPI document.</summary>
        public static readonly IReadOnlyList<string> Known = new[] { "QUEUE_ON_FULL", "REJECT_ON_FULL" };

        /// <summary>PowerShell converts strings with this constructor (casts, comparisons).</summary>
        public RequestBackpressurePolicyV1(string value) : base(value, Known) { }
    }
}
