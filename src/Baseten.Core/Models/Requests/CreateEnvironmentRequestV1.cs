using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>The body of <c>POST /v1/models/{model_id}/environments</c>.</summary>
    [JsonConverter(typeof(PartialObjectConverterFactory))]
    public sealed class CreateEnvironmentRequestV1 : PartialObject
    {
        /// <summary>Name of the environment (required).</summary>
        [JsonPropertyName("name")] public string Name { get => Get<string>(); set => Set(value); }
        [JsonPropertyName("autoscaling_settings")] public UpdateAutoscalingSettingsV1 AutoscalingSettings { get => Get<UpdateAutoscalingSettingsV1>(); set => Set(value); }
        [JsonPropertyName("promotion_settings")] public UpdatePromotionSettingsV1 PromotionSettings { get => Get<UpdatePromotionSettingsV1>(); set => Set(value); }
        [JsonPropertyName("request_backpressure_settings")] public UpdateRequestBackpressureSettingsV1 RequestBackpressureSettings { get => Get<UpdateRequestBackpressureSettingsV1>(); set => Set(value); }
    }
}
