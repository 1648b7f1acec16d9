using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>Rolling deploy configuration of an environment's promotions.</summary>
    public sealed class RollingDeployConfigV1 : ApiObject
    {
        [JsonPropertyName("rolling_deploy_strategy")] public RollingDeployStrategyV1 RollingDeployStrategy { get; set; }
        [JsonPropertyName("max_surge_percent")] public int MaxSurgePercent { get; set; }
        [JsonPropertyName("max_unavailable_percent")] public int MaxUnavailablePercent { get; set; }
        [JsonPropertyName("stabilization_time_seconds")] public int StabilizationTimeSeconds { get; set; }
        [JsonPropertyName("replica_overhead_percent")] public int ReplicaOverheadPercent { get; set; }
    }
}
