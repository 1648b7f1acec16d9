using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>How promotions into an environment behave, as the API reports them.</summary>
    public sealed class PromotionSettingsV1 : ApiObject
    {
        [JsonPropertyName("redeploy_on_promotion")] public bool? RedeployOnPromotion { get; set; }
        [JsonPropertyName("rolling_deploy")] public bool? RollingDeploy { get; set; }
        [JsonPropertyName("promotion_cleanup_strategy")] public PromotionCleanupStrategyV1 PromotionCleanupStrategy { get; set; }
        [JsonPropertyName("rolling_deploy_config")] public RollingDeployConfigV1 RollingDeployConfig { get; set; }
        [JsonPropertyName("ramp_up_while_promoting")] public bool? RampUpWhilePromoting { get; set; }
        [JsonPropertyName("ramp_up_duration_seconds")] public int? RampUpDurationSeconds { get; set; }
    }
}
