using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>Request backpressure settings to set. Here an explicit null policy clears the policy.</summary>
    [JsonConverter(typeof(PartialObjectConverterFactory))]
    public sealed class UpdateRequestBackpressureSettingsV1 : PartialObject
    {
        [JsonPropertyName("policy")] public RequestBackpressurePolicyV1 Policy { get => Get<RequestBackpressurePolicyV1>(); set => Set(value); }
    }
}
