using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>An environment of a model (production, staging, ...): its deployment and settings.</summary>
    public sealed class EnvironmentV1 : ApiObject
    {
        [JsonPropertyName("name")] public string Name { get; set; }
        [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; set; }
        [JsonPropertyName("model_id")] public string ModelId { get; set; }
        [JsonPropertyName("current_deployment")] public DeploymentV1 CurrentDeployment { get; set; }
        [JsonPropertyName("candidate_deployment")] public DeploymentV1 CandidateDeployment { get; set; }
        [JsonPropertyName("in_progress_promotion")] public InProgressPromotionV1 InProgressPromotion { get; set; }
        [JsonPropertyName("autoscaling_settings")] public AutoscalingSettingsV1 AutoscalingSettings { get; set; }
        [JsonPropertyName("promotion_settings")] public PromotionSettingsV1 PromotionSettings { get; set; }
        [JsonPropertyName("instance_type")] public InstanceTypeV1 InstanceType { get; set; }
        [JsonPropertyName("request_backpressure_settings")] public RequestBackpressureSettingsV1 RequestBackpressureSettings { get; set; }

        /// <summary>Recurring autoscaling schedules; kept as JSON until a cmdlet manages schedules.</summary>
        [JsonPropertyName("autoscaling_schedules")] public JsonElement? AutoscalingSchedules { get; set; }

        public override string ToString() => Name;

        internal override IEnumerable<string> MissingRequiredFields()
        {
            if (string.IsNullOrEmpty(Name)) yield return "name";
            if (string.IsNullOrEmpty(ModelId)) yield return "model_id";
            if (CreatedAt == default) yield return "created_at";
        }
    }
}
