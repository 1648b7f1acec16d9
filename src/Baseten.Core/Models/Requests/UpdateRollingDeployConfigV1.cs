using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>Rolling deploy configuration to set, inside promotion settings.</summary>
    [JsonConverter(typeof(PartialObjectConverterFactory))]
    public sealed class UpdateRollingDeployConfigV1 : PartialObject
    {
        [JsonPropertyName("rolling_deploy_strategy")] public RollingDeployStrategyV1 RollingDeployStrategy { get => Get<RollingDeployStrategyV1>(); set => Set(value); }
        [JsonPropertyName("max_surge_percent")] public int? MaxSurgePercent { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("max_unavailable_percent")] public int? MaxUnavailablePercent { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("stabilization_time_seconds")] public int? StabilizationTimeSeconds { get => Get<int?>(); set => Set(value); }
        [JsonPropertyName("replica_overhead_percent")] public int? ReplicaOverheadPercent { get => Get<int?>(); set => Set(value); }
    }
}
