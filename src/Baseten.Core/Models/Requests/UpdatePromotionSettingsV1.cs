using System.Text.Json.Serialization;
using Baseten.Core.Json;

namespace Baseten.Core.Models
{
    /// <summary>Promotion settings to set. Only the properties given are sent; null leaves a value unchanged.</summary>
    [JsonConverter(typeof(PartialObjectConverterFactory))]
    public sealed class UpdatePromotionSettingsV1 : PartialObject
    {
        [JsonPropertyName("redeploy_on_promotion")] public bool? RedeployOnPromotion { get => Get<bool?>(); set => Set(value); }
        [JsonPropertyName("rolling_deploy")] public bool? RollingDeploy { get => Get<bool?>(); set => Set(value); }
        [JsonPropertyName("promotion_cleanup_strategy")] public PromotionCleanupStrategyV1 PromotionCleanupStrategy { get => Get<PromotionCleanupStrategyV1>(); set => Set(value); }
        [JsonPropertyName("rolling_deploy_config")] public UpdateRollingDeployConfigV1 RollingDeployConfig { get => Get<UpdateRollingDeployConfigV1>(); set => Set(value); }
        [JsonPropertyName("ramp_up_while_promoting")] public bool? RampUpWhilePromoting { get => Get<bool?>(); set => Set(value); }
        [JsonPropertyName("ramp_up_duration_seconds")] public int? RampUpDurationSeconds { get => Get<int?>(); set => Set(value); }
    }
}
