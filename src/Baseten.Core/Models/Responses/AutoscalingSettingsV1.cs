using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>Autoscaling settings of a deployment or environment, as the API reports them.</summary>
    public sealed class AutoscalingSettingsV1 : ApiObject
    {
        [JsonPropertyName("min_replica")] public int MinReplica { get; set; }
        [JsonPropertyName("max_replica")] public int MaxReplica { get; set; }
        [JsonPropertyName("autoscaling_window")] public int? AutoscalingWindow { get; set; }
        [JsonPropertyName("scale_down_delay")] public int? ScaleDownDelay { get; set; }
        [JsonPropertyName("concurrency_target")] public int ConcurrencyTarget { get; set; }
        [JsonPropertyName("target_utilization_percentage")] public int? TargetUtilizationPercentage { get; set; }
        [JsonPropertyName("target_in_flight_tokens")] public int? TargetInFlightTokens { get; set; }
        [JsonPropertyName("max_scale_down_rate")] public int? MaxScaleDownRate { get; set; }
    }
}
