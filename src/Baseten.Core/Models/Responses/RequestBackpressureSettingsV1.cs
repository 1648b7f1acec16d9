using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>Request backpressure settings of a deployment or environment.</summary>
    public sealed class RequestBackpressureSettingsV1 : ApiObject
    {
        /// <summary>Null when no policy is set.</summary>
        [JsonPropertyName("policy")] public RequestBackpressurePolicyV1 Policy { get; set; }
    }
}
