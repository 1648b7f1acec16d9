using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>Autoscaling settings to set. Only the properties given are sent; null leaves a value unchanged.</summary>
    [JsonConverter(typeof(PartialObjectConverterFactory))]
    public sealed class UpdateAutoscalingSettingsV1 : PartialObject
    {
        [JsonPropertyName("min_replica")] public int? MinReplica { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("max_replica")] public int? MaxReplica { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("autoscaling_window")] public int? AutoscalingWindow { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("scale_down_delay")] public int? ScaleDownDelay { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("concurrency_target")] public int? ConcurrencyTarget { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("target_utilization_percentage")] public int? TargetUtilizationPercentage { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("target_in_flight_tokens")] public int? TargetInFlightTokens { get => Get<int?>(); set => Set(value); }

        /// <summary>Most replicas removed per autoscaling window, in percent (1 to 50).</summary>
        [ApiRange(1, 50)]
        [JsonPropertyName("max_scale_down_rate")] public int? MaxScaleDownRate { get => Get<int?>(); set => Set(value); }
    }
}
