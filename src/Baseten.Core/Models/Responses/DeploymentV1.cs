using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baseten.Core.Models
{
    /// <summary>A deployment of a model.</summary>
    public sealed class DeploymentV1 : ApiObject
    {
        [JsonPropertyName("id")] public string Id { get; set; }
        [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; set; }
        [JsonPropertyName("name")] public string Name { get; set; }
        [JsonPropertyName("model_id")] public string ModelId { get; set; }
        [JsonPropertyName("is_production")] public bool IsProduction { get; set; }
        [JsonPropertyName("is_development")] public bool IsDevelopment { get; set; }
        [JsonPropertyName("status")] public DeploymentStatusV1 Status { get; set; }
        [JsonPropertyName("active_replica_count")] public int ActiveReplicaCount { get; set; }

        /// <summary>Null until the model has finished deploying.</summary>
        [JsonPropertyName("autoscaling_settings")] public AutoscalingSettingsV1 AutoscalingSettings { get; set; }
        [JsonPropertyName("instance_type_name")] public string InstanceTypeName { get; set; }
        [JsonPropertyName("environment")] public string Environment { get; set; }
        [JsonPropertyName("labels")] public Dictionary<string, JsonElement> Labels { get; set; }
        [JsonPropertyName("region")] public RegionV1 Region { get; set; }
        [JsonPropertyName("request_backpressure_settings")] public RequestBackpressureSettingsV1 RequestBackpressureSettings { get; set; }

        public override string ToString() => Name;

        internal override IEnumerable<string> MissingRequiredFields()
        {
            if (string.IsNullOrEmpty(Id)) yield return "id";
            if (string.IsNullOrEmpty(ModelId)) yield return "model_id";
        }
    }
}
